// traffic-split on ECS behind an Application Load Balancer, end to end: the bundled action (run by the harness as
// the runner runs it) weights the blue and green target groups of a listener or rule on the ELBv2 stand-in (Query
// protocol, SigV4-checked) and reads CloudWatch alarms from the CloudWatch stand-in (JSON 1.0), reached only through
// the standard AWS configuration. The probe gate hits a candidate app that the test can make fail. Every
// ModifyListener/ModifyRule the stand-in accepted is checked to weight the two target groups to 100.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { errorMessages, runAction } from '../harness/run-action.js';
import type { ActionRun, RunActionOptions } from '../harness/run-action.js';
import { CandidateApp } from '../stand-ins/candidate-app.js';
import { CloudWatchStandIn } from '../stand-ins/cloudwatch.js';
import { Elbv2StandIn } from '../stand-ins/elbv2.js';
import { TEST_CREDENTIALS } from '../stand-ins/aws-json.js';

const SPLIT = join(REPO_ROOT, 'actions', 'traffic-split');
const TIMEOUT = 60_000;

const elb = new Elbv2StandIn({ region: 'us-east-1' });
const cloudwatch = new CloudWatchStandIn({ region: 'us-east-1' });
const app = new CandidateApp({ version: 'green' });

beforeAll(() => Promise.all([elb.start(), cloudwatch.start(), app.start()]));
afterAll(() => Promise.all([elb.stop(), cloudwatch.stop(), app.stop()]));

interface Lb {
  blue: string;
  green: string;
  listener: string;
  rule: string;
  test: string;
}

/** A load balancer with blue and green target groups; the listener, one rule and a test listener all on blue. */
function loadBalancer(name: string): Lb {
  const lb = elb.addLoadBalancer({ name });
  const blue = elb.addTargetGroup({ name: `${name}-blue` });
  const green = elb.addTargetGroup({ name: `${name}-green` });
  const toBlue = () => [
    { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 1 }] } },
  ];
  const listener = elb.addListener({
    loadBalancerArn: lb,
    port: 443,
    protocol: 'HTTPS',
    defaultActions: toBlue(),
  });
  const rule = elb.addRule({
    listenerArn: listener,
    priority: 10,
    conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
    actions: toBlue(),
  });
  const test = elb.addListener({
    loadBalancerArn: lb,
    port: 8443,
    protocol: 'HTTPS',
    defaultActions: toBlue(),
  });
  return { blue, green, listener, rule, test };
}

/** Percent per target group ARN on a listener or rule. */
function percent(arn: string): Record<string, number> {
  const weights = elb.forwardWeights(arn);
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  return Object.fromEntries(
    Object.entries(weights)
      .filter(([, w]) => w > 0)
      .map(([tg, w]) => [tg, Math.round((w * 100) / total)]),
  );
}

/** Green's weight in each accepted change of `arn` since `mark`, checking both weights sum to 100. */
function changes(arn: string, green: string, mark: number): number[] {
  return elb
    .weightChanges()
    .slice(mark)
    .filter((c) => c.arn === arn)
    .map((c) => {
      expect(Object.values(c.weights).reduce((a, b) => a + b, 0)).toBe(100);
      return c.weights[green] ?? 0;
    });
}

const env = () => ({
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elb.url,
  AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
  AWS_EC2_METADATA_DISABLED: 'true',
});

function split(inputs: Record<string, string>, opts: Partial<RunActionOptions> = {}): Promise<ActionRun> {
  return runAction(SPLIT, {
    inputs: {
      platform: 'ecs',
      'probe-url': `${app.url}/healthz`,
      'probe-requests': '10',
      interval: '100ms',
      ...inputs,
    },
    env: env(),
    secrets: [TEST_CREDENTIALS.secretAccessKey],
    ...opts,
  });
}

function fail(result: ActionRun): never {
  throw new Error(`the action failed:\n${result.log}\n${result.post?.log ?? ''}`);
}

/** Calls `fn` once `when()` holds, checking every 10 ms; returns a function that stops checking. */
function once(when: () => boolean, fn: () => void): () => void {
  const timer = setInterval(() => {
    if (!when()) return;
    clearInterval(timer);
    fn();
  }, 10);
  return () => clearInterval(timer);
}

describe('traffic-split on ECS behind an ALB', () => {
  it(
    'a canary on the listener promotes to 100 %, gated by the probe and CloudWatch alarms',
    async () => {
      app.heal();
      const lb = loadBalancer('canary');
      cloudwatch.addMetricAlarm({ name: 'canary-5xx' });
      const mark = elb.weightChanges().length;
      const result = await split({
        'listener-arn': lb.listener,
        candidate: 'canary-green',
        steps: '5,25,50',
        alarms: 'canary-5xx',
      });
      if (result.exitCode !== 0) fail(result);
      expect(result.outputs).toEqual({
        stable: lb.blue,
        candidate: lb.green,
        weights: '{"stable":0,"candidate":100}',
        result: 'promoted',
      });
      expect(changes(lb.listener, lb.green, mark)).toEqual([5, 25, 50, 100]);
      expect(percent(lb.listener)).toEqual({ [lb.green]: 100 });
      expect(percent(lb.rule)).toEqual({ [lb.blue]: 100 }); // the rule is another route: untouched
      expect(result.summary).toContain('✅ cloudwatch-alarms: canary-5xx OK');
      expect(result.log).not.toContain(TEST_CREDENTIALS.secretAccessKey);
    },
    TIMEOUT,
  );

  it(
    'an alarm that fires at 25 % rolls the rule back to 100 % blue, the alarm in the error',
    async () => {
      app.heal();
      const lb = loadBalancer('alarmed');
      cloudwatch.addMetricAlarm({ name: 'alarmed-5xx' });
      const stop = once(
        () => (percent(lb.rule)[lb.green] ?? 0) >= 25,
        () =>
          cloudwatch.setAlarmState(
            'alarmed-5xx',
            'ALARM',
            'Threshold Crossed: 1 datapoint [31.0] was greater than the threshold (10.0).',
          ),
      );
      const mark = elb.weightChanges().length;
      const result = await split({
        'rule-arn': lb.rule,
        candidate: 'alarmed-green',
        steps: '5,25,50',
        alarms: 'alarmed-5xx',
        interval: '1s', // margin for the 10 ms poller that flips the fault, on a loaded machine
      });
      stop();
      expect(result.exitCode).toBe(1);
      const errors = errorMessages(result);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /gate cloudwatch-alarms failed at 25 %: in ALARM: alarmed-5xx \(Threshold Crossed: .*\); traffic is back on arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/alarmed-blue\//,
      );
      expect(changes(lb.rule, lb.green, mark)).toEqual([5, 25, 0]);
      expect(percent(lb.rule)).toEqual({ [lb.blue]: 100 });
      expect(result.outputs.result).toBe('rolled-back');
    },
    TIMEOUT,
  );

  it(
    'start, then promote in another run; abort on another load balancer',
    async () => {
      app.heal();
      const lb = loadBalancer('manual');
      const inputs = { 'listener-arn': lb.listener, candidate: 'manual-green', steps: '10,50' };
      const started = await split({ ...inputs, action: 'start' });
      if (started.exitCode !== 0) fail(started);
      expect(started.outputs.result).toBe('paused');
      expect(percent(lb.listener)).toEqual({ [lb.blue]: 90, [lb.green]: 10 });
      const promoted = await split({ ...inputs, action: 'promote' });
      if (promoted.exitCode !== 0) fail(promoted);
      expect(percent(lb.listener)).toEqual({ [lb.green]: 100 });

      const other = loadBalancer('aborted');
      await split({
        'listener-arn': other.listener,
        candidate: 'aborted-green',
        steps: '25,50',
        action: 'start',
      });
      expect(percent(other.listener)).toEqual({ [other.blue]: 75, [other.green]: 25 });
      const aborted = await split({
        'listener-arn': other.listener,
        candidate: 'aborted-green',
        action: 'abort',
        'probe-url': '',
      });
      if (aborted.exitCode !== 0) fail(aborted);
      expect(percent(other.listener)).toEqual({ [other.blue]: 100 });
    },
    TIMEOUT,
  );

  it(
    'a run killed during a bake is put back on blue by its post step',
    async () => {
      app.heal();
      const lb = loadBalancer('killed');
      const result = await split(
        { 'listener-arn': lb.listener, candidate: 'killed-green', steps: '20,60', interval: '1m' },
        { cancel: { when: () => percent(lb.listener)[lb.green] === 20, signal: 'SIGKILL' }, post: true },
      );
      expect(result.exitCode).toBe(137);
      expect(result.post?.exitCode).toBe(0);
      expect(percent(lb.listener)).toEqual({ [lb.blue]: 100 });
    },
    TIMEOUT,
  );

  it(
    'blue-green: the test listener forwards to green for the gates, then the listener switches in one call',
    async () => {
      app.heal();
      const lb = loadBalancer('bluegreen');
      const mark = elb.weightChanges().length;
      const result = await split({
        'listener-arn': lb.listener,
        'test-listener-arn': lb.test,
        candidate: 'bluegreen-green',
        strategy: 'blue-green',
        'check-command': 'test "$SLIPWAY_CANDIDATE_WEIGHT" -ge 0',
      });
      if (result.exitCode !== 0) fail(result);
      expect(percent(lb.test)).toEqual({ [lb.green]: 100 });
      expect(changes(lb.listener, lb.green, mark)).toEqual([100]);
      expect(percent(lb.listener)).toEqual({ [lb.green]: 100 });
    },
    TIMEOUT,
  );
});

describe('faults', () => {
  it(
    'throttling is retried; the release promotes',
    async () => {
      app.heal();
      const lb = loadBalancer('throttled');
      elb.inject('ModifyListener', { kind: 'throttle', times: 2 });
      elb.inject('DescribeListeners', { kind: 'throttle', times: 1 });
      const result = await split({ 'listener-arn': lb.listener, candidate: 'throttled-green', steps: '50' });
      if (result.exitCode !== 0) fail(result);
      expect(result.log).toMatch(/Throttling.*retrying in \d+ ms/);
      expect(percent(lb.listener)).toEqual({ [lb.green]: 100 });
    },
    TIMEOUT,
  );

  it(
    'an API error in the middle of a step leaves traffic on blue',
    async () => {
      app.heal();
      const lb = loadBalancer('broken');
      const stop = once(
        () => percent(lb.listener)[lb.green] === 10,
        () =>
          elb.refuseNext(
            'ModifyListener',
            'AccessDenied',
            'User: arn:aws:sts::123456789012:assumed-role/slipway-traffic/ci is not authorized to perform: elasticloadbalancing:ModifyListener',
            403,
          ),
      );
      const result = await split({
        'listener-arn': lb.listener,
        candidate: 'broken-green',
        steps: '10,50',
        interval: '1s', // margin for the 10 ms poller that flips the fault, on a loaded machine
      });
      stop();
      expect(result.exitCode).toBe(1);
      expect(errorMessages(result).join('\n')).toMatch(
        /not authorized to perform: elasticloadbalancing:ModifyListener.*; traffic is back on arn:aws:elasticloadbalancing/,
      );
      expect(percent(lb.listener)).toEqual({ [lb.blue]: 100 });
    },
    TIMEOUT,
  );

  it(
    'a candidate target group that does not exist: one line naming candidate, nothing modified',
    async () => {
      const lb = loadBalancer('missing');
      const mark = elb.weightChanges().length;
      const result = await split({ 'listener-arn': lb.listener, candidate: 'missing-purple' });
      expect(result.exitCode).toBe(1);
      const errors = errorMessages(result);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/candidate.*missing-purple/);
      expect(elb.weightChanges().length).toBe(mark);
    },
    TIMEOUT,
  );

  it(
    'bad input: one clear line, no call to AWS',
    async () => {
      const lb = loadBalancer('badinput');
      const calls = elb.journal.length;
      const result = await split({
        'listener-arn': lb.listener,
        candidate: 'badinput-green',
        steps: '50,25',
      });
      expect(result.exitCode).toBe(1);
      const errors = errorMessages(result);
      expect(errors).toEqual([
        expect.stringContaining('input `steps`: must be ascending: 25 comes after 50'),
      ]);
      expect(elb.journal.length).toBe(calls);
    },
    TIMEOUT,
  );
});
