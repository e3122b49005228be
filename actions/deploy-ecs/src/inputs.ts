/**
 * deploy-ecs inputs: the only code that reads them. Everything is validated here, before any AWS SDK is
 * loaded: grammar of the capacity-provider strategy, images, sizes, durations, and which inputs go together.
 */
import { parseImageRef, readInputs as readWith } from '@slipway/core';
import type { InputReader } from '@slipway/core';
import type { InputSource } from '@slipway/core';
import { cpuUnits, fargateSizeProblem, memoryMiB, parseCapacityProviderStrategy } from '@slipway/aws/ecs';
import type {
  CapacityProviderStrategyItem,
  DeploymentStrategy,
  LaunchType,
  LoadBalancer,
  ServiceConnectConfiguration,
  Tag,
  TaskOverride,
} from '@aws-sdk/client-ecs';

/** Every input declared in action.yml, in manifest order. */
export const INPUT_NAMES = [
  'mode',
  'aws-region',
  'cluster',
  'service',
  'task-definition',
  'containers',
  'image',
  'container',
  'environment',
  'secrets',
  'environment-mode',
  'cpu',
  'memory',
  'log-group',
  'log-stream-prefix',
  'task-role-arn',
  'execution-role-arn',
  'tags',
  'desired-count',
  'launch-type',
  'capacity-provider-strategy',
  'platform-version',
  'subnets',
  'security-groups',
  'assign-public-ip',
  'service-connect',
  'load-balancers',
  'enable-execute-command',
  'circuit-breaker',
  'rollback',
  'deployment-strategy',
  'bake-time',
  'traffic-shift-percent',
  'traffic-shift-interval',
  'alarms',
  'force-new-deployment',
  'wait',
  'timeout',
  'poll-interval',
  'command',
  'task-overrides',
  'run-task-before-deploy',
  'codedeploy-application',
  'codedeploy-deployment-group',
  'codedeploy-deployment-config',
  'dry-run',
] as const;

/** Where the task definition comes from. */
export type TaskDefinitionSource =
  { kind: 'file'; path: string } | { kind: 'registered'; reference: string } | { kind: 'service' };

/** deploy-ecs's validated inputs. */
export interface Inputs {
  mode: 'deploy' | 'run-task';
  region: string | undefined;
  cluster: string;
  service: string | undefined;
  taskDefinition: TaskDefinitionSource;
  /** Image per container. */
  images: Record<string, string>;
  /** The input each image came from (`containers` or `image`). */
  imageInputs: Record<string, string>;
  /** Set when `image` is given without `container`: the image goes to the only container. */
  imageWithoutContainer: string | undefined;
  container: string | undefined;
  environment: Record<string, string>;
  secrets: Record<string, string>;
  environmentMode: 'merge' | 'replace';
  cpu: string | undefined;
  memory: string | undefined;
  logGroup: string | undefined;
  logStreamPrefix: string;
  taskRoleArn: string | undefined;
  executionRoleArn: string | undefined;
  tags: Tag[];
  desiredCount: number | undefined;
  launchType: LaunchType | undefined;
  capacityProviderStrategy: CapacityProviderStrategyItem[] | undefined;
  platformVersion: string | undefined;
  subnets: string[] | undefined;
  securityGroups: string[] | undefined;
  assignPublicIp: boolean | undefined;
  serviceConnect: ServiceConnectConfiguration | undefined;
  loadBalancers: LoadBalancer[] | undefined;
  enableExecuteCommand: boolean | undefined;
  circuitBreaker: boolean;
  rollback: boolean;
  deploymentStrategy: DeploymentStrategy | undefined;
  bakeTimeMinutes: number | undefined;
  trafficShiftPercent: number | undefined;
  trafficShiftIntervalMinutes: number | undefined;
  alarms: string[] | undefined;
  forceNewDeployment: boolean;
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  command: string[] | undefined;
  taskOverrides: TaskOverride | undefined;
  runTaskBeforeDeploy: boolean;
  codedeployApplication: string | undefined;
  codedeployDeploymentGroup: string | undefined;
  codedeployDeploymentConfig: string | undefined;
  dryRun: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
const CLUSTER = /^(?:arn:aws[\w-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/)?[A-Za-z0-9_-]{1,255}$/;
const REGISTERED =
  /^(?:arn:aws[\w-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}(?::\d+)?$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const MINUTE = 60_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A task-definition value is a file when it ends in `.json` or holds a path separator (and is not an ARN);
 * otherwise a registered family, `family:revision` or ARN.
 */
function taskDefinitionSource(r: InputReader): TaskDefinitionSource {
  const value = r.optionalString('task-definition');
  if (value === undefined) return { kind: 'service' };
  if (value.startsWith('arn:')) {
    if (!REGISTERED.test(value))
      r.fail('task-definition', `${JSON.stringify(value)} is not a task definition ARN`);
    return { kind: 'registered', reference: value };
  }
  if (/\.json$/i.test(value) || value.includes('/') || value.includes('\\'))
    return { kind: 'file', path: value };
  if (!REGISTERED.test(value)) {
    r.fail(
      'task-definition',
      `${JSON.stringify(value)} is neither a .json file nor a registered family, family:revision or ARN`,
    );
  }
  return { kind: 'registered', reference: value };
}

function wholeMinutes(r: InputReader, name: string, ms: number | undefined): number | undefined {
  if (ms === undefined) return undefined;
  if (ms % MINUTE !== 0) {
    r.fail(
      name,
      `must be whole minutes (ECS counts it in minutes), e.g. ${Math.max(1, Math.round(ms / MINUTE))}m`,
    );
    return undefined;
  }
  return ms / MINUTE;
}

/** Words of a command: a JSON array of strings, or words split at spaces with '…' and "…" quoting. */
function parseCommand(r: InputReader): string[] | undefined {
  const raw = r.optionalString('command');
  if (raw === undefined) return undefined;
  if (raw.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((x) => typeof x === 'string'))
        return parsed;
    } catch {
      // reported below
    }
    r.fail('command', 'starts with [ but is not a JSON array of strings, e.g. ["npm", "run", "migrate"]');
    return undefined;
  }
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const match of raw.matchAll(pattern)) {
    words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? match[3] ?? ''));
  }
  const quotes = (raw.match(/"/g)?.length ?? 0) - (raw.match(/\\"/g)?.length ?? 0);
  if (quotes % 2 !== 0 || (raw.match(/'/g)?.length ?? 0) % 2 !== 0) {
    r.fail('command', 'has an unclosed quote (or give a JSON array)');
  }
  return words;
}

function readServiceConnect(r: InputReader): ServiceConnectConfiguration | undefined {
  const value = r.structured<unknown>('service-connect');
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    r.fail(
      'service-connect',
      'must be a mapping with `namespace` and `services` (ECS ServiceConnectConfiguration)',
    );
    return undefined;
  }
  const known = ['enabled', 'namespace', 'services', 'logConfiguration', 'accessLogConfiguration'];
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    r.fail(
      'service-connect',
      `unknown field ${unknown.map((k) => `\`${k}\``).join(', ')} (ECS takes ${known.join(', ')})`,
    );
  }
  if (value.services !== undefined) {
    if (!Array.isArray(value.services)) {
      r.fail('service-connect', '`services` must be a list');
    } else {
      value.services.forEach((service: unknown, i: number) => {
        if (!isRecord(service) || typeof service.portName !== 'string' || service.portName === '') {
          r.fail(
            'service-connect',
            `services[${i}] needs a \`portName\` (a port mapping name of the task definition)`,
          );
          return;
        }
        const aliases = service.clientAliases;
        if (aliases !== undefined) {
          const ok =
            Array.isArray(aliases) &&
            aliases.every(
              (a: unknown) =>
                isRecord(a) && Number.isInteger(a.port) && Number(a.port) >= 1 && Number(a.port) <= 65535,
            );
          if (!ok)
            r.fail(
              'service-connect',
              `services[${i}].clientAliases must be a list of { port: 1-65535, dnsName }`,
            );
        }
      });
    }
  }
  return { ...(value as unknown as ServiceConnectConfiguration), enabled: value.enabled !== false };
}

function readLoadBalancers(r: InputReader): LoadBalancer[] | undefined {
  const value = r.structured<unknown>('load-balancers');
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const ok = list.every(
    (lb: unknown) =>
      isRecord(lb) &&
      (typeof lb.targetGroupArn === 'string' || typeof lb.loadBalancerName === 'string') &&
      typeof lb.containerName === 'string' &&
      Number.isInteger(lb.containerPort),
  );
  if (!ok) {
    r.fail(
      'load-balancers',
      'each entry needs `targetGroupArn` (or `loadBalancerName`), `containerName` and `containerPort`',
    );
    return undefined;
  }
  return list as LoadBalancer[];
}

function readTaskOverrides(r: InputReader): TaskOverride | undefined {
  const value = r.structured<unknown>('task-overrides');
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    r.fail(
      'task-overrides',
      'must be a mapping of ECS TaskOverride fields (cpu, memory, containerOverrides, ...)',
    );
    return undefined;
  }
  const known = [
    'containerOverrides',
    'cpu',
    'memory',
    'executionRoleArn',
    'taskRoleArn',
    'ephemeralStorage',
    'inferenceAcceleratorOverrides',
  ];
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    r.fail('task-overrides', `unknown field ${unknown.map((k) => `\`${k}\``).join(', ')}`);
  for (const field of ['cpu', 'memory'] as const) {
    if (value[field] !== undefined) value[field] = String(value[field]);
  }
  return value as TaskOverride;
}

function readImages(r: InputReader): {
  images: Record<string, string>;
  imageInputs: Record<string, string>;
  imageWithoutContainer: string | undefined;
} {
  const images: Record<string, string> = {};
  const imageInputs: Record<string, string> = {};
  for (const [name, image] of Object.entries(r.map('containers'))) {
    if (!NAME.test(name)) r.fail('containers', `${JSON.stringify(name)} is not a container name`);
    try {
      parseImageRef(image);
    } catch (e) {
      r.fail('containers', `${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    images[name] = image;
    imageInputs[name] = 'containers';
  }
  const image = r.optionalString('image');
  const container = r.optionalString('container');
  let imageWithoutContainer: string | undefined;
  if (image !== undefined) {
    try {
      parseImageRef(image);
    } catch (e) {
      r.fail('image', e instanceof Error ? e.message : String(e));
    }
    if (container === undefined) imageWithoutContainer = image;
    else if (images[container] !== undefined && images[container] !== image) {
      r.fail('image', `container ${container} also gets an image from \`containers\`; give it once`);
    } else {
      images[container] = image;
      imageInputs[container] = 'image';
    }
  }
  return { images, imageInputs, imageWithoutContainer };
}

function checkSize(r: InputReader, name: 'cpu' | 'memory', value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = name === 'cpu' ? cpuUnits(value) : memoryMiB(value);
  if (parsed === undefined) {
    r.fail(
      name,
      name === 'cpu'
        ? `must be CPU units (1024) or vCPU (1 vCPU), got ${JSON.stringify(value)}`
        : `must be MiB (2048) or GB (2 GB), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Reads and validates every input; throws one InputError naming each bad input. */
export function readInputs(source?: InputSource): Inputs {
  return readWith((r) => {
    const mode = r.enum('mode', ['deploy', 'run-task'] as const, { default: 'deploy' });
    const region = r.optionalString('aws-region');
    if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
      r.fail('aws-region', `${JSON.stringify(region)} is not an AWS region such as eu-west-1`);
    }
    const cluster = r.string('cluster', {
      default: 'default',
      pattern: CLUSTER,
      hint: 'a cluster name or ARN',
    });
    const service = r.optionalString('service');
    if (service !== undefined && !/^[A-Za-z][A-Za-z0-9_-]{0,254}$/.test(service)) {
      r.fail(
        'service',
        `${JSON.stringify(service)} is not a service name (a letter, then letters, digits, _ and -)`,
      );
    }
    const taskDefinition = taskDefinitionSource(r);
    if (mode === 'deploy' && service === undefined) r.fail('service', 'is required with mode: deploy');
    if (mode === 'run-task' && service === undefined && taskDefinition.kind === 'service') {
      r.fail('task-definition', 'is required with mode: run-task when no `service` supplies it');
    }

    const { images, imageInputs, imageWithoutContainer } = readImages(r);
    const container = r.optionalString('container');
    if (container !== undefined && !NAME.test(container))
      r.fail('container', `${JSON.stringify(container)} is not a container name`);
    const environment = r.map('environment');
    const secrets = r.map('secrets');
    const environmentMode = r.enum('environment-mode', ['merge', 'replace'] as const, { default: 'merge' });
    const cpu = checkSize(r, 'cpu', r.optionalString('cpu'));
    const memory = checkSize(r, 'memory', r.optionalString('memory'));

    const logGroup = r.optionalString('log-group');
    const logStreamPrefix = r.string('log-stream-prefix', {
      default: 'ecs',
      pattern: /^[^:*]{1,512}$/,
      hint: 'no : or *',
    });
    const taskRoleArn = r.optionalString('task-role-arn');
    const executionRoleArn = r.optionalString('execution-role-arn');
    for (const [name, value] of [
      ['task-role-arn', taskRoleArn],
      ['execution-role-arn', executionRoleArn],
    ] as const) {
      if (value !== undefined && !ROLE_ARN.test(value))
        r.fail(name, `${JSON.stringify(value)} is not an IAM role ARN`);
    }
    const tags = Object.entries(r.map('tags')).map(([key, value]) => ({ key, value }));
    if (tags.length > 50) r.fail('tags', `lists ${tags.length} tags; ECS allows 50`);

    const desiredCount =
      r.optionalString('desired-count') === undefined
        ? undefined
        : r.integer('desired-count', { default: 0, min: 0, max: 10_000 });
    const launchTypeValue = r.optionalString('launch-type');
    const launchType =
      launchTypeValue === undefined
        ? undefined
        : r.enum('launch-type', ['FARGATE', 'EC2', 'EXTERNAL'] as const, { default: 'FARGATE' });
    const strategyText = r.optionalString('capacity-provider-strategy');
    let capacityProviderStrategy: CapacityProviderStrategyItem[] | undefined;
    if (strategyText !== undefined) {
      const parsed = parseCapacityProviderStrategy(strategyText);
      if (parsed.ok) capacityProviderStrategy = parsed.value;
      else r.fail('capacity-provider-strategy', parsed.message);
    }
    if (launchType !== undefined && strategyText !== undefined) {
      r.fail(
        'capacity-provider-strategy',
        'cannot be combined with `launch-type`: ECS takes one or the other',
      );
    }
    const platformVersion = r.optionalString('platform-version');
    const subnetList = r.list('subnets', { unique: true });
    const securityGroupList = r.list('security-groups', { unique: true });
    for (const subnet of subnetList)
      if (!/^subnet-[0-9a-f]+$/.test(subnet))
        r.fail('subnets', `${JSON.stringify(subnet)} is not a subnet id (subnet-…)`);
    for (const group of securityGroupList)
      if (!/^sg-[0-9a-f]+$/.test(group))
        r.fail('security-groups', `${JSON.stringify(group)} is not a security group id (sg-…)`);
    if (subnetList.length > 16) r.fail('subnets', 'lists more than 16 subnets; ECS allows 16');
    if (securityGroupList.length > 5)
      r.fail('security-groups', 'lists more than 5 security groups; ECS allows 5');
    const assignPublicIp =
      r.optionalString('assign-public-ip') === undefined
        ? undefined
        : r.boolean('assign-public-ip', { default: false });
    const serviceConnect = readServiceConnect(r);
    const loadBalancers = readLoadBalancers(r);
    const enableExecuteCommand =
      r.optionalString('enable-execute-command') === undefined
        ? undefined
        : r.boolean('enable-execute-command', { default: false });

    const circuitBreaker = r.boolean('circuit-breaker', { default: true });
    const rollback = r.boolean('rollback', { default: true });
    const strategyValue = r.optionalString('deployment-strategy');
    const deploymentStrategy =
      strategyValue === undefined
        ? undefined
        : r.enum('deployment-strategy', ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const, {
            default: 'ROLLING',
          });
    const bakeTimeMinutes = wholeMinutes(
      r,
      'bake-time',
      r.optionalString('bake-time') === undefined
        ? undefined
        : r.duration('bake-time', { default: '0s', max: '24h' }),
    );
    const trafficShiftPercent =
      r.optionalString('traffic-shift-percent') === undefined
        ? undefined
        : r.number('traffic-shift-percent', { default: 10, min: 0.1, max: 100 });
    const trafficShiftIntervalMinutes = wholeMinutes(
      r,
      'traffic-shift-interval',
      r.optionalString('traffic-shift-interval') === undefined
        ? undefined
        : r.duration('traffic-shift-interval', { default: '0s', max: '24h' }),
    );
    if (
      deploymentStrategy !== undefined &&
      deploymentStrategy !== 'LINEAR' &&
      deploymentStrategy !== 'CANARY'
    ) {
      if (trafficShiftPercent !== undefined)
        r.fail('traffic-shift-percent', `applies to LINEAR and CANARY, not ${deploymentStrategy}`);
      if (trafficShiftIntervalMinutes !== undefined)
        r.fail('traffic-shift-interval', `applies to LINEAR and CANARY, not ${deploymentStrategy}`);
    }
    const alarmList = r.list('alarms', { unique: true });
    const alarms = r.optionalString('alarms') === undefined ? undefined : alarmList;
    const forceNewDeployment = r.boolean('force-new-deployment', { default: false });

    const wait = r.boolean('wait', { default: true });
    const timeoutMs = r.duration('timeout', { default: '30m', min: '1s', max: '6h' });
    const pollIntervalMs = r.duration('poll-interval', { default: '15s', min: '100ms', max: '5m' });
    const command = parseCommand(r);
    const taskOverrides = readTaskOverrides(r);
    const runTaskBeforeDeploy = r.boolean('run-task-before-deploy', { default: false });
    if (runTaskBeforeDeploy && mode !== 'deploy')
      r.fail('run-task-before-deploy', 'applies to mode: deploy only');
    if (runTaskBeforeDeploy && command === undefined && taskOverrides === undefined) {
      r.fail('run-task-before-deploy', 'needs `command` (or `task-overrides`) for the one-off task');
    }
    const codedeployApplication = r.optionalString('codedeploy-application');
    const codedeployDeploymentGroup = r.optionalString('codedeploy-deployment-group');
    const codedeployDeploymentConfig = r.optionalString('codedeploy-deployment-config');
    const dryRun = r.boolean('dry-run', { default: false });

    if (cpu !== undefined && memory !== undefined) {
      const fargate =
        launchType === 'FARGATE' ||
        (capacityProviderStrategy ?? []).some((s) => s.capacityProvider?.startsWith('FARGATE'));
      const c = cpuUnits(cpu);
      const m = memoryMiB(memory);
      const problem = fargate && c !== undefined && m !== undefined ? fargateSizeProblem(c, m) : undefined;
      if (problem !== undefined) r.fail('memory', problem);
    }
    return {
      mode,
      region,
      cluster,
      service,
      taskDefinition,
      images,
      imageInputs,
      imageWithoutContainer,
      container,
      environment,
      secrets,
      environmentMode,
      cpu,
      memory,
      logGroup,
      logStreamPrefix,
      taskRoleArn,
      executionRoleArn,
      tags,
      desiredCount,
      launchType,
      capacityProviderStrategy,
      platformVersion,
      subnets: subnetList.length > 0 ? subnetList : undefined,
      securityGroups: securityGroupList.length > 0 ? securityGroupList : undefined,
      assignPublicIp,
      serviceConnect,
      loadBalancers,
      enableExecuteCommand,
      circuitBreaker,
      rollback,
      deploymentStrategy,
      bakeTimeMinutes,
      trafficShiftPercent,
      trafficShiftIntervalMinutes,
      alarms,
      forceNewDeployment,
      wait,
      timeoutMs,
      pollIntervalMs,
      command,
      taskOverrides,
      runTaskBeforeDeploy,
      codedeployApplication,
      codedeployDeploymentGroup,
      codedeployDeploymentConfig,
      dryRun,
    };
  }, source);
}
