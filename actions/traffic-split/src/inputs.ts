/**
 * traffic-split inputs: the only code that reads them. Everything is checked here, before any cloud library is
 * loaded and before any traffic moves: the steps, the durations, the gates, and which inputs each platform needs.
 */
import { readInputs as readWith } from '@slipway/core';
import type { InputReader, InputSource } from '@slipway/core';

/** Every input declared in action.yml, in manifest order. */
export const INPUT_NAMES = [
  'action',
  'platform',
  'strategy',
  'candidate',
  'stable',
  'steps',
  'interval',
  'service',
  'project-id',
  'region',
  'preview-tag',
  'api-endpoint',
  'aws-region',
  'listener-arn',
  'rule-arn',
  'test-listener-arn',
  'kubeconfig',
  'context',
  'namespace',
  'http-route',
  'preview-service',
  'probe-url',
  'probe-requests',
  'probe-success-ratio',
  'probe-latency',
  'probe-timeout',
  'probe-headers',
  'alarms',
  'check-command',
  'timeout',
] as const;

const PLATFORMS = ['cloudrun', 'ecs', 'kubernetes'] as const;
const STRATEGIES = ['canary', 'blue-green'] as const;
const CONTROLS = ['run', 'start', 'promote', 'abort'] as const;
export type Platform = (typeof PLATFORMS)[number];
export type Strategy = (typeof STRATEGIES)[number];
export type Control = (typeof CONTROLS)[number];

/** A latency threshold: the `percentile`th percentile must not exceed `maxMs`. */
export interface LatencyThreshold {
  percentile: number;
  maxMs: number;
}

/** The HTTP probe of the candidate. */
export interface ProbeSettings {
  /** A full URL, or a path resolved against the candidate's own URL (a Cloud Run tag URL). */
  url: string;
  requests: number;
  successRatio: number;
  latency: LatencyThreshold[];
  timeoutMs: number;
  headers: Record<string, string>;
}

/** Where the traffic is, per platform. */
export type Target =
  | {
      platform: 'cloudrun';
      service: string;
      projectId: string | undefined;
      region: string;
      previewTag: string;
      apiEndpoint: string | undefined;
    }
  | {
      platform: 'ecs';
      listenerArn: string | undefined;
      ruleArn: string | undefined;
      testListenerArn: string | undefined;
    }
  | {
      platform: 'kubernetes';
      /** Kubeconfig text (a secret); undefined: the file KUBECONFIG names, else ~/.kube/config. */
      kubeconfig: string | undefined;
      context: string | undefined;
      namespace: string;
      /** HTTPRoute weights when set; otherwise the Service selector of `service` is switched. */
      httpRoute: string | undefined;
      service: string | undefined;
      previewService: string | undefined;
    };

/** traffic-split's validated inputs. */
export interface Inputs {
  control: Control;
  strategy: Strategy;
  candidate: string;
  stable: string | undefined;
  /** Candidate percentages, ascending, ending at 100 (blue-green: [100]). */
  steps: number[];
  intervalMs: number;
  target: Target;
  probe: ProbeSettings | undefined;
  alarms: string[];
  /** Region of the ALB and the alarms; by default the SDK's (AWS_REGION). */
  awsRegion: string | undefined;
  checkCommand: string | undefined;
  timeoutMs: number;
}

const REGION_GCP = /^[a-z]+-[a-z]+\d+$/;
const REGION_AWS = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const LISTENER_ARN =
  /^arn:aws[\w-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/app\/[\w-]+\/[0-9a-f]+\/[0-9a-f]+$/;
const RULE_ARN =
  /^arn:aws[\w-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener-rule\/app\/[\w-]+\/[0-9a-f]+\/[0-9a-f]+\/[0-9a-f]+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const CLOUD_RUN_SERVICE =
  /^(?:projects\/[^/]+\/locations\/[^/]+\/services\/)?[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/;
const PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const TAG = /^[a-z]([-a-z0-9]{0,45}[a-z0-9])?$/;
const LATENCY = /^p(\d{1,2}(?:\.\d+)?|100)\s*(?:<=?)\s*(\d+(?:\.\d+)?)\s*(ms|s)$/;
const SELECTOR = /^[A-Za-z0-9][-A-Za-z0-9_./]*=[A-Za-z0-9]?[-A-Za-z0-9_.]*$/;

/** Parses `steps`: whole percentages, strictly ascending, each 1–100, ending at 100 (added when missing). */
export function parseSteps(text: string): { steps: number[] } | { error: string } {
  const parts = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) return { error: 'lists no percentages, e.g. 5,25,50,100' };
  const steps: number[] = [];
  for (const part of parts) {
    const n = Number(part.replace(/%$/, ''));
    if (!/^\d+%?$/.test(part) || !Number.isInteger(n))
      return { error: `${JSON.stringify(part)} is not a whole percentage (e.g. 5,25,50,100)` };
    if (n < 1 || n > 100) return { error: `${n} is outside 1–100: each step is the candidate's share in %` };
    const previous = steps.at(-1);
    if (previous !== undefined && n <= previous)
      return { error: `must be ascending: ${n} comes after ${previous} (e.g. 5,25,50,100)` };
    steps.push(n);
  }
  if (steps.at(-1) !== 100) steps.push(100);
  return { steps };
}

/** Parses `probe-latency`: thresholds such as `p95<500ms`, `p99<=1.5s`, separated by commas. */
export function parseLatency(items: string[]): { thresholds: LatencyThreshold[] } | { error: string } {
  const thresholds: LatencyThreshold[] = [];
  for (const item of items) {
    const match = LATENCY.exec(item.replace(/\s+/g, ''));
    if (match === null)
      return { error: `${JSON.stringify(item)} is not a threshold such as p95<500ms or p99<2s` };
    const percentile = Number(match[1]);
    if (percentile <= 0 || percentile > 100)
      return { error: `${JSON.stringify(item)}: the percentile must be above 0 and at most 100` };
    const value = Number(match[2]);
    thresholds.push({ percentile, maxMs: match[3] === 's' ? value * 1000 : value });
  }
  return { thresholds };
}

function readTarget(r: InputReader, platform: Platform): Target {
  const others = (names: string[]) => {
    for (const name of names)
      if (r.optionalString(name) !== undefined) r.fail(name, `does not apply to platform ${platform}`);
  };
  const gcp = ['project-id', 'region', 'preview-tag', 'api-endpoint'];
  // aws-region applies everywhere: CloudWatch alarms can gate any platform.
  const aws = ['listener-arn', 'rule-arn', 'test-listener-arn'];
  const kube = ['kubeconfig', 'context', 'namespace', 'http-route', 'preview-service'];
  if (platform === 'cloudrun') {
    others([...aws, ...kube]);
    const service = r.string('service', {
      required: true,
      pattern: CLOUD_RUN_SERVICE,
      hint: 'a Cloud Run service name such as orders-api, or projects/P/locations/R/services/S',
    });
    const full = /^projects\/([^/]+)\/locations\/([^/]+)\/services\//.exec(service);
    const projectId = r.optionalString('project-id') ?? full?.[1];
    if (projectId !== undefined && !PROJECT.test(projectId))
      r.fail('project-id', `is not a Google Cloud project id, got ${JSON.stringify(projectId)}`);
    const region = r.optionalString('region') ?? full?.[2];
    if (region === undefined) r.fail('region', 'is required for platform cloudrun, e.g. us-central1');
    else if (!REGION_GCP.test(region))
      r.fail('region', `${JSON.stringify(region)} is not a Cloud Run region such as us-central1`);
    return {
      platform,
      service: full === null ? service : service.slice(service.lastIndexOf('/') + 1),
      projectId,
      region: region ?? '',
      previewTag: r.string('preview-tag', {
        default: 'candidate',
        pattern: TAG,
        hint: 'lower-case letters, digits and -, starting with a letter',
      }),
      apiEndpoint: r.optionalString('api-endpoint'),
    };
  }
  if (platform === 'ecs') {
    others([...gcp, ...kube, 'service']);
    const listenerArn = r.optionalString('listener-arn');
    const ruleArn = r.optionalString('rule-arn');
    const testListenerArn = r.optionalString('test-listener-arn');
    if (listenerArn !== undefined && ruleArn !== undefined)
      r.fail('rule-arn', 'give listener-arn (its default action) or rule-arn (one rule), not both');
    if (listenerArn === undefined && ruleArn === undefined)
      r.fail(
        'listener-arn',
        'platform ecs needs listener-arn or rule-arn: where the two target groups are weighted',
      );
    if (listenerArn !== undefined && !LISTENER_ARN.test(listenerArn))
      r.fail(
        'listener-arn',
        `is not an Application Load Balancer listener ARN, got ${JSON.stringify(listenerArn)}`,
      );
    if (ruleArn !== undefined && !RULE_ARN.test(ruleArn))
      r.fail(
        'rule-arn',
        `is not an Application Load Balancer listener rule ARN, got ${JSON.stringify(ruleArn)}`,
      );
    if (testListenerArn !== undefined && !LISTENER_ARN.test(testListenerArn))
      r.fail(
        'test-listener-arn',
        `is not an Application Load Balancer listener ARN, got ${JSON.stringify(testListenerArn)}`,
      );
    return { platform, listenerArn, ruleArn, testListenerArn };
  }
  others([...gcp, ...aws]);
  const namespace = r.string('namespace', { default: 'default' });
  if (!DNS_LABEL.test(namespace))
    r.fail('namespace', `is not a namespace name, got ${JSON.stringify(namespace)}`);
  const httpRoute = r.optionalString('http-route');
  const service = r.optionalString('service');
  const previewService = r.optionalString('preview-service');
  if (httpRoute === undefined && service === undefined)
    r.fail(
      'http-route',
      'platform kubernetes needs http-route (Gateway API weights) or service (a Service whose selector is switched)',
    );
  if (httpRoute !== undefined && service !== undefined)
    r.fail('service', 'give http-route (weights) or service (selector switch), not both');
  for (const [name, value] of [
    ['http-route', httpRoute],
    ['service', service],
    ['preview-service', previewService],
  ] as const) {
    if (value !== undefined && !DNS_SUBDOMAIN.test(value))
      r.fail(name, `is not a Kubernetes object name, got ${JSON.stringify(value)}`);
  }
  if (previewService !== undefined && service === undefined)
    r.fail(
      'preview-service',
      'goes with service (a selector switch); an HTTPRoute candidate is its own Service',
    );
  return {
    platform,
    kubeconfig: r.optionalString('kubeconfig'),
    context: r.optionalString('context'),
    namespace,
    httpRoute,
    service,
    previewService,
  };
}

function readProbe(r: InputReader): ProbeSettings | undefined {
  const url = r.optionalString('probe-url');
  const requests = r.integer('probe-requests', { default: 20, min: 1, max: 10_000 });
  const successRatio = r.number('probe-success-ratio', { default: 0.99, min: 0, max: 1 });
  const latency = parseLatency(r.list('probe-latency'));
  if ('error' in latency) r.fail('probe-latency', latency.error);
  const timeoutMs = r.duration('probe-timeout', { default: '5s', min: '100ms', max: '5m' });
  const headers = r.map('probe-headers');
  if (url === undefined) {
    for (const name of ['probe-latency', 'probe-headers'])
      if (r.optionalString(name) !== undefined) r.fail(name, 'needs probe-url: the probe is off without it');
    return undefined;
  }
  if (!url.startsWith('/')) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      r.fail('probe-url', `must be an http(s) URL or a path such as /healthz, got ${JSON.stringify(url)}`);
  }
  return {
    url,
    requests,
    successRatio,
    latency: 'error' in latency ? [] : latency.thresholds,
    timeoutMs,
    headers,
  };
}

function build(r: InputReader): Inputs {
  const control: Control = r.enum('action', CONTROLS, { default: 'run' });
  const platform: Platform = r.enum('platform', PLATFORMS, { required: true });
  const strategy: Strategy = r.enum('strategy', STRATEGIES, { default: 'canary' });
  const candidate = r.string('candidate', { required: true });
  const stable = r.optionalString('stable');
  if (stable !== undefined && stable === candidate) r.fail('stable', 'names the candidate itself');
  const target = readTarget(r, platform);

  const stepsText = r.optionalString('steps');
  let steps = [100];
  if (strategy === 'blue-green') {
    if (stepsText !== undefined)
      r.fail('steps', 'does not apply to strategy blue-green, which switches all traffic at once');
  } else {
    const parsed = parseSteps(stepsText ?? '10,50,100');
    if ('error' in parsed) r.fail('steps', parsed.error);
    else steps = parsed.steps;
  }
  if (control === 'start' && strategy === 'canary' && steps[0] === 100)
    r.fail('steps', 'start stops at the first step, which must be below 100, e.g. 10,50,100');
  if (target.platform === 'kubernetes' && target.service !== undefined && strategy === 'canary')
    r.fail(
      'strategy',
      'a Service selector switches all traffic at once: use strategy blue-green, or http-route for a canary',
    );
  if (target.platform === 'kubernetes' && target.service !== undefined) {
    for (const label of candidate.split(','))
      if (!SELECTOR.test(label.trim()))
        r.fail(
          'candidate',
          `with service, the candidate is a selector such as slot=green, got ${JSON.stringify(label)}`,
        );
  }
  const intervalMs = r.duration('interval', { default: '5m', max: '24h' });
  const probe = readProbe(r);
  if (probe?.url.startsWith('/') && platform !== 'cloudrun')
    r.fail('probe-url', `a path needs the candidate's own URL, which only Cloud Run gives: write a full URL`);
  const alarms = r.list('alarms', { unique: true });
  const awsRegion = r.optionalString('aws-region');
  if (awsRegion !== undefined && !REGION_AWS.test(awsRegion))
    r.fail('aws-region', `${JSON.stringify(awsRegion)} is not an AWS region such as eu-west-1`);
  if (awsRegion !== undefined && platform !== 'ecs' && alarms.length === 0)
    r.fail(
      'aws-region',
      `applies to platform ecs and to alarms; platform ${platform} without alarms has no use for it`,
    );
  const checkCommand = r.optionalString('check-command');
  const timeoutMs = r.duration('timeout', { default: '1h', min: '10s', max: '6h' });
  const gated = probe !== undefined || alarms.length > 0 || checkCommand !== undefined;
  if (!gated && (control === 'run' || control === 'start' || control === 'promote'))
    r.fail(
      'probe-url',
      `action ${control} moves traffic and needs at least one gate: probe-url, alarms or check-command`,
    );
  return {
    control,
    strategy,
    candidate,
    stable,
    steps,
    intervalMs,
    target,
    probe,
    alarms,
    awsRegion,
    checkCommand,
    timeoutMs,
  };
}

/** Reads and checks every input; throws one `InputError` naming each bad one. */
export function readInputs(source?: InputSource): Inputs {
  return readWith((r) => build(r), source);
}
