/**
 * The whole deploy as data: which task definition to register (or reuse), which service call to make, which
 * one-off task to run, what to wait for. `planDeployment` is pure; every problem names the action input it is
 * about, and none of them lets anything be registered.
 */
import type {
  CapacityProviderStrategyItem,
  ContainerDefinition,
  NetworkConfiguration,
  RegisterTaskDefinitionRequest,
  RunTaskRequest,
  Service,
  Tag,
  TaskDefinition,
  TaskOverride,
} from '@aws-sdk/client-ecs';
import { formatDuration } from '@slipway/core';
import { formatCapacityProviderStrategy } from './capacity-provider-strategy.js';
import { serviceConsoleUrl } from './links.js';
import { fargateProblems, renderTaskDefinition, targetContainer } from './render.js';
import type { BaseOrigin, RenderChanges, RenderProblem } from './render.js';
import { planService } from './service-plan.js';
import type { ServicePlan, ServiceSettings } from './service-plan.js';
import type { TaskDefinitionDocument } from './task-definition-file.js';
import {
  containerNames,
  diffTaskDefinitions,
  sameTaskDefinition,
  toRegisterRequest,
} from './task-definition.js';

/** Where the base task definition comes from. */
export type DeploySource =
  | { kind: 'file'; path: string; document: TaskDefinitionDocument }
  | { kind: 'registered'; reference: string }
  | { kind: 'service' };

/** Everything the workflow asks for, with the region resolved and the task definition file read. */
export interface DeployRequest {
  mode: 'deploy' | 'run-task';
  region: string;
  cluster: string;
  service?: string | undefined;
  source: DeploySource;
  render: Omit<RenderChanges, 'log'> & {
    /** `image` given without `container`: for the only container. */
    imageWithoutContainer?: string | undefined;
    logGroup?: string | undefined;
    logStreamPrefix: string;
  };
  tags: Tag[];
  settings: Omit<ServiceSettings, 'cluster' | 'service' | 'tags'>;
  run: { command?: string[] | undefined; overrides?: TaskOverride | undefined; beforeDeploy: boolean };
  codeDeploy: {
    application?: string | undefined;
    deploymentGroup?: string | undefined;
    deploymentConfig?: string | undefined;
  };
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
}

/** What the read-only calls found. */
export interface DeployObserved {
  /** The service (undefined when missing or not asked for). */
  service: Service | undefined;
  /** The base definition when it is a registered revision (given, or the service's live one). */
  registered?: { taskDefinition: TaskDefinition; tags: Tag[] } | undefined;
  /** The latest ACTIVE revision of the rendered definition's family, with its tags, if any. */
  latest?: { taskDefinition: TaskDefinition; tags: Tag[] } | undefined;
}

/** Register a new revision, or reuse one that already has this content. */
export type TaskDefinitionPlan =
  | {
      action: 'register';
      request: RegisterTaskDefinitionRequest;
      family: string;
      /** What differs from the revision it replaces (`latest` or the given one); empty for a new family. */
      diff: string[];
      comparedWith: string | undefined;
    }
  | { action: 'reuse'; arn: string; request: RegisterTaskDefinitionRequest; reason: string };

/** A one-off task to run; the task definition ARN is filled in when applied. */
export interface OneOffPlan {
  request: RunTaskRequest;
  /** The container whose exit code counts. */
  container: string | undefined;
  purpose: 'run-task' | 'before-deploy';
}

/** Deploying to a service on the CODE_DEPLOY controller. */
export interface CodeDeployPlan {
  application: string;
  deploymentGroup: string;
  deploymentConfig: string | undefined;
  containerName: string;
  containerPort: number;
  /** Optional AppSpec properties the service already has. */
  networkConfiguration?: NetworkConfiguration | undefined;
  capacityProviderStrategy?: CapacityProviderStrategyItem[] | undefined;
  platformVersion?: string | undefined;
  /** A desired count to set with UpdateService first (CodeDeploy does not change it). */
  desiredCount?: number | undefined;
}

/** The whole deploy. */
export interface DeployPlan {
  mode: 'deploy' | 'run-task';
  region: string;
  cluster: string;
  service: string | undefined;
  /** The service's ARN when it exists already. */
  serviceArn: string | undefined;
  /** The rollout state of its PRIMARY deployment before the deploy. */
  currentRolloutState: string | undefined;
  taskDefinition: TaskDefinitionPlan;
  /** Container definitions of the rendered definition (for log links). */
  containers: ContainerDefinition[];
  tags: Tag[];
  servicePlan: ServicePlan | undefined;
  codeDeploy: CodeDeployPlan | undefined;
  oneOff: OneOffPlan | undefined;
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  rollback: boolean;
  /** The service's task definition before the deploy: what the action rolls back to. */
  previousTaskDefinition: string | undefined;
  /** Service events that existed before the deploy. */
  knownEventIds: string[];
  consoleUrl: string | undefined;
  /** The calls the deploy will make, in order, in words. */
  calls: string[];
  /** Things worth saying that do not stop the deploy. */
  warnings: string[];
}

/** Problems that stop the deploy before anything changes. */
export class DeployPlanError extends Error {
  constructor(readonly problems: RenderProblem[]) {
    super(problems.map((p) => `input \`${p.input}\`: ${p.message}`).join('\n'));
    this.name = 'DeployPlanError';
  }
}

function labelOf(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

function isFargateTarget(request: DeployRequest, service: Service | undefined): boolean {
  const { launchType, capacityProviderStrategy } = request.settings;
  if (launchType !== undefined) return launchType === 'FARGATE';
  if (capacityProviderStrategy !== undefined) {
    return capacityProviderStrategy.some((item) => (item.capacityProvider ?? '').startsWith('FARGATE'));
  }
  if (service !== undefined) {
    if (service.launchType !== undefined) return service.launchType === 'FARGATE';
    return (service.capacityProviderStrategy ?? []).some((item) =>
      (item.capacityProvider ?? '').startsWith('FARGATE'),
    );
  }
  return false;
}

function baseOf(
  request: DeployRequest,
  observed: DeployObserved,
): { definition: RegisterTaskDefinitionRequest; tags: Tag[]; origin: BaseOrigin; arn?: string | undefined } {
  if (request.source.kind === 'file') {
    return {
      definition: request.source.document.definition,
      tags: request.source.document.tags,
      origin: { kind: 'file', path: request.source.path, lineOf: request.source.document.lineOf },
    };
  }
  const registered = observed.registered;
  if (registered === undefined)
    throw new Error('planDeployment: the registered task definition was not observed');
  const arn = registered.taskDefinition.taskDefinitionArn;
  return {
    definition: toRegisterRequest(registered.taskDefinition),
    tags: registered.tags,
    origin: { kind: 'registered', reference: labelOf(arn ?? 'task definition') },
    arn,
  };
}

function mergeTags(base: Tag[], given: Tag[]): Tag[] {
  const out = base.filter((tag) => !given.some((g) => g.key === tag.key));
  return [...out, ...given];
}

function sameTags(a: Tag[], b: Tag[]): boolean {
  const key = (tags: Tag[]) =>
    JSON.stringify(
      [...tags].map((t) => [t.key, t.value]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
  return key(a) === key(b);
}

function planOneOff(
  request: DeployRequest,
  observed: DeployObserved,
  definition: RegisterTaskDefinitionRequest,
  purpose: OneOffPlan['purpose'],
  problems: RenderProblem[],
): OneOffPlan {
  const names = containerNames(definition);
  let container: string | undefined;
  if (request.run.command !== undefined || request.render.container !== undefined) {
    const target = targetContainer(names, {
      container: request.render.container,
      images: request.render.images,
    });
    if (target.problem !== undefined)
      problems.push({
        input: request.render.container !== undefined ? 'container' : 'command',
        message: target.problem,
      });
    container = target.name;
  }
  const service = observed.service;
  const { launchType, capacityProviderStrategy, platformVersion } = request.settings;
  const placement: Partial<RunTaskRequest> =
    capacityProviderStrategy !== undefined
      ? { capacityProviderStrategy }
      : launchType !== undefined
        ? { launchType }
        : (service?.capacityProviderStrategy ?? []).length > 0
          ? { capacityProviderStrategy: service?.capacityProviderStrategy }
          : service?.launchType !== undefined
            ? { launchType: service.launchType }
            : (definition.requiresCompatibilities ?? []).includes('FARGATE')
              ? { launchType: 'FARGATE' }
              : {};
  const current = service?.networkConfiguration?.awsvpcConfiguration;
  const { subnets, securityGroups, assignPublicIp } = request.settings;
  let networkConfiguration: NetworkConfiguration | undefined;
  if (definition.networkMode === 'awsvpc') {
    const subnetList = subnets ?? current?.subnets ?? [];
    if (subnetList.length === 0) {
      problems.push({
        input: 'subnets',
        message: 'is required for a one-off task of an awsvpc task definition (no service supplies them)',
      });
    }
    const groups = securityGroups ?? current?.securityGroups;
    const assign =
      assignPublicIp === undefined ? current?.assignPublicIp : assignPublicIp ? 'ENABLED' : 'DISABLED';
    networkConfiguration = {
      awsvpcConfiguration: {
        subnets: subnetList,
        ...(groups === undefined ? {} : { securityGroups: groups }),
        ...(assign === undefined ? {} : { assignPublicIp: assign }),
      },
    };
  }
  const given = request.run.overrides ?? {};
  const containerOverrides = [...(given.containerOverrides ?? [])];
  if (request.run.command !== undefined && container !== undefined) {
    const existing = containerOverrides.find((o) => o.name === container);
    if (existing !== undefined) existing.command = request.run.command;
    else containerOverrides.push({ name: container, command: request.run.command });
  }
  for (const override of containerOverrides) {
    if (override.name === undefined || !names.includes(override.name)) {
      problems.push({
        input: 'task-overrides',
        message: `overrides container "${override.name ?? ''}", which the task definition does not have (it has ${names.map((n) => `"${n}"`).join(', ')})`,
      });
    }
  }
  const overrides: TaskOverride = {
    ...given,
    ...(containerOverrides.length > 0 ? { containerOverrides } : {}),
  };
  const runRequest: RunTaskRequest = {
    cluster: request.cluster,
    taskDefinition: undefined,
    count: 1,
    startedBy: purpose === 'before-deploy' ? 'slipway/deploy-ecs/before-deploy' : 'slipway/deploy-ecs',
    ...placement,
    ...(platformVersion === undefined ? {} : { platformVersion }),
    ...(networkConfiguration === undefined ? {} : { networkConfiguration }),
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
    ...(request.settings.enableExecuteCommand === true ? { enableExecuteCommand: true } : {}),
    ...(request.tags.length > 0 ? { tags: request.tags } : {}),
  };
  return { request: runRequest, container, purpose };
}

function describeRunTask(plan: OneOffPlan, label: string): string {
  const where = plan.request.capacityProviderStrategy
    ? formatCapacityProviderStrategy(plan.request.capacityProviderStrategy)
    : (plan.request.launchType ?? 'the cluster default');
  const command = plan.request.overrides?.containerOverrides?.find((o) => o.name === plan.container)?.command;
  return `ecs:RunTask ${label} on ${where}${command ? ` with command ${JSON.stringify(command)}` : ''}, then ecs:DescribeTasks until it stops`;
}

function planCodeDeploy(
  request: DeployRequest,
  service: Service,
  problems: RenderProblem[],
): CodeDeployPlan | undefined {
  const lb = (service.loadBalancers ?? [])[0];
  if (lb?.containerName === undefined || lb.containerPort === undefined) {
    problems.push({
      input: 'service',
      message: `${request.service} uses the CODE_DEPLOY controller but has no load balancer with a container name and port for the AppSpec`,
    });
    return undefined;
  }
  const unsupported = (
    [
      ['capacity-provider-strategy', request.settings.capacityProviderStrategy],
      ['launch-type', request.settings.launchType],
      ['service-connect', request.settings.serviceConnect],
      ['load-balancers', request.settings.loadBalancers],
      ['deployment-strategy', request.settings.strategy],
      ['enable-execute-command', request.settings.enableExecuteCommand],
    ] as const
  ).filter(([, value]) => value !== undefined);
  for (const [input] of unsupported) {
    problems.push({
      input,
      message: `cannot be changed on ${request.service}: it uses the CODE_DEPLOY controller, whose deployments CodeDeploy drives`,
    });
  }
  return {
    application: request.codeDeploy.application ?? `AppECS-${request.cluster}-${request.service}`,
    deploymentGroup: request.codeDeploy.deploymentGroup ?? `DgpECS-${request.cluster}-${request.service}`,
    deploymentConfig: request.codeDeploy.deploymentConfig,
    containerName: lb.containerName,
    containerPort: lb.containerPort,
    networkConfiguration:
      request.settings.subnets !== undefined
        ? {
            awsvpcConfiguration: {
              subnets: request.settings.subnets,
              ...(request.settings.securityGroups === undefined
                ? {}
                : { securityGroups: request.settings.securityGroups }),
              ...(request.settings.assignPublicIp === undefined
                ? {}
                : { assignPublicIp: request.settings.assignPublicIp ? 'ENABLED' : 'DISABLED' }),
            },
          }
        : service.networkConfiguration,
    capacityProviderStrategy:
      (service.capacityProviderStrategy ?? []).length > 0 ? service.capacityProviderStrategy : undefined,
    platformVersion: request.settings.platformVersion ?? service.platformVersion,
    ...(request.settings.desiredCount !== undefined && request.settings.desiredCount !== service.desiredCount
      ? { desiredCount: request.settings.desiredCount }
      : {}),
  };
}

/** Renders the requested definition from its base and checks it: images, variables, sizes, Fargate, names. */
function renderRequested(
  request: DeployRequest,
  base: { definition: RegisterTaskDefinitionRequest; origin: BaseOrigin },
  fargateTarget: boolean,
): { definition: RegisterTaskDefinitionRequest; problems: RenderProblem[] } {
  const problems: RenderProblem[] = [];
  const images = { ...request.render.images };
  const imageInputs = { ...(request.render.imageInputs ?? {}) };
  const names = containerNames(base.definition);
  if (request.render.imageWithoutContainer !== undefined) {
    if (names.length === 1) {
      images[names[0] ?? ''] = request.render.imageWithoutContainer;
      imageInputs[names[0] ?? ''] = 'image';
    } else {
      problems.push({
        input: 'image',
        message: `the task definition has ${names.length} containers (${names.map((n) => `"${n}"`).join(', ')}): name the one to update with \`container\``,
      });
    }
  }
  const rendered = renderTaskDefinition(
    base.definition,
    {
      ...request.render,
      images,
      imageInputs,
      log:
        request.render.logGroup === undefined
          ? undefined
          : {
              group: request.render.logGroup,
              region: request.region,
              streamPrefix: request.render.logStreamPrefix,
            },
    },
    base.origin,
  );
  problems.push(...rendered.problems);
  const definition = rendered.definition;
  problems.push(
    ...fargateProblems(definition, fargateTarget, base.origin, {
      cpu: request.render.cpu,
      memory: request.render.memory,
    }),
  );
  const portNames = (definition.containerDefinitions ?? []).flatMap((c) =>
    (c.portMappings ?? []).map((m) => m.name).filter((n): n is string => n !== undefined),
  );
  for (const scService of request.settings.serviceConnect?.services ?? []) {
    if (scService.portName !== undefined && !portNames.includes(scService.portName)) {
      problems.push({
        input: 'service-connect',
        message: `port name "${scService.portName}" is not a port mapping name of the task definition (${portNames.length > 0 ? portNames.map((n) => `"${n}"`).join(', ') : 'it names none'})`,
      });
    }
  }
  for (const lb of request.settings.loadBalancers ?? []) {
    if (lb.containerName !== undefined && !containerNames(definition).includes(lb.containerName)) {
      problems.push({
        input: 'load-balancers',
        message: `container "${lb.containerName}" is not in the task definition`,
      });
    }
  }

  return { definition, problems };
}

/**
 * The checks that need no AWS call, for a task definition file: rendering, Fargate sizes, port and container
 * names. An action runs them before it loads the SDK; {@link planDeployment} runs them again with what it observed.
 */
export function preflightProblems(request: DeployRequest): RenderProblem[] {
  if (request.source.kind !== 'file') return [];
  return renderRequested(
    request,
    baseOf(request, { service: undefined }),
    isFargateTarget(request, undefined),
  ).problems;
}

/**
 * Plans the deploy from the request and what the read-only calls found. Throws {@link DeployPlanError} with every
 * problem; nothing has been changed at that point.
 */
export function planDeployment(request: DeployRequest, observed: DeployObserved): DeployPlan {
  const warnings: string[] = [];
  const base = baseOf(request, observed);
  if (request.source.kind === 'file') warnings.push(...request.source.document.warnings);
  const { definition, problems } = renderRequested(request, base, isFargateTarget(request, observed.service));

  // Which revision: the given/live one when nothing changed, the family's latest when it has this content,
  // a new one otherwise.
  const tags = mergeTags(base.tags, request.tags);
  let taskDefinition: TaskDefinitionPlan;
  const family = definition.family ?? '';
  if (
    base.arn !== undefined &&
    sameTaskDefinition(definition, base.definition) &&
    (request.tags.length === 0 || sameTags(tags, base.tags))
  ) {
    taskDefinition = {
      action: 'reuse',
      arn: base.arn,
      request: definition,
      reason:
        request.source.kind === 'service'
          ? 'the service already runs this content'
          : 'the given revision, unchanged',
    };
  } else if (
    observed.latest?.taskDefinition.taskDefinitionArn !== undefined &&
    sameTaskDefinition(definition, observed.latest.taskDefinition) &&
    sameTags(tags, observed.latest.tags)
  ) {
    const arn = observed.latest.taskDefinition.taskDefinitionArn;
    taskDefinition = {
      action: 'reuse',
      arn,
      request: definition,
      reason: `identical to the latest revision ${labelOf(arn)}`,
    };
  } else {
    const compareWith = observed.latest?.taskDefinition ?? observed.registered?.taskDefinition;
    taskDefinition = {
      action: 'register',
      request: { ...definition, ...(tags.length > 0 ? { tags } : {}) },
      family,
      diff: compareWith === undefined ? [] : diffTaskDefinitions(compareWith, definition),
      comparedWith:
        compareWith?.taskDefinitionArn === undefined ? undefined : labelOf(compareWith.taskDefinitionArn),
    };
  }
  const tdLabel =
    taskDefinition.action === 'reuse' ? labelOf(taskDefinition.arn) : `${family}:(new revision)`;

  let servicePlan: ServicePlan | undefined;
  let codeDeploy: CodeDeployPlan | undefined;
  let oneOff: OneOffPlan | undefined;
  const service = observed.service;
  if (request.mode === 'deploy') {
    if (request.service === undefined) throw new Error('planDeployment: mode deploy needs a service');
    const controller = service?.status === 'ACTIVE' ? (service.deploymentController?.type ?? 'ECS') : 'ECS';
    if (controller === 'CODE_DEPLOY' && service !== undefined) {
      codeDeploy = planCodeDeploy(request, service, problems);
    } else {
      const result = planService(
        { ...request.settings, cluster: request.cluster, service: request.service, tags: request.tags },
        service,
        {
          changes: taskDefinition.action === 'register' || taskDefinition.arn !== service?.taskDefinition,
          label: tdLabel,
          networkMode: definition.networkMode,
          requiresFargate: (definition.requiresCompatibilities ?? []).includes('FARGATE'),
        },
      );
      problems.push(...result.problems);
      servicePlan = result.plan;
    }
    if (request.run.beforeDeploy)
      oneOff = planOneOff(request, observed, definition, 'before-deploy', problems);
  } else {
    oneOff = planOneOff(request, observed, definition, 'run-task', problems);
  }
  if (problems.length > 0) throw new DeployPlanError(problems);

  const calls: string[] = [];
  if (taskDefinition.action === 'register') {
    calls.push(
      `ecs:RegisterTaskDefinition family ${family}${taskDefinition.diff.length > 0 ? ` (${taskDefinition.diff.length} change${taskDefinition.diff.length === 1 ? '' : 's'} from ${taskDefinition.comparedWith})` : ''}`,
    );
  } else {
    calls.push(`reuse ${labelOf(taskDefinition.arn)} (${taskDefinition.reason}); nothing to register`);
  }
  if (oneOff?.purpose === 'before-deploy')
    calls.push(`${describeRunTask(oneOff, tdLabel)}; deploy only on exit code 0`);
  if (servicePlan?.action === 'create') calls.push(`ecs:CreateService ${request.cluster}/${request.service}`);
  if (servicePlan?.action === 'update')
    calls.push(`ecs:UpdateService ${request.cluster}/${request.service}: ${servicePlan.changes.join('; ')}`);
  if (servicePlan?.action === 'none') calls.push(`no service call: ${servicePlan.changes.join('; ')}`);
  if (codeDeploy !== undefined) {
    calls.push(
      `codedeploy:CreateDeployment ${codeDeploy.application}/${codeDeploy.deploymentGroup} with an AppSpec for ${tdLabel}`,
    );
  }
  const startsDeployment =
    codeDeploy !== undefined ||
    servicePlan?.action === 'create' ||
    (servicePlan?.action === 'update' && servicePlan.newDeployment);
  if (request.wait && startsDeployment) {
    calls.push(
      codeDeploy !== undefined
        ? 'codedeploy:GetDeployment until the deployment ends'
        : `ecs:DescribeServices until the new deployment COMPLETED or FAILED (every ${formatDuration(Math.min(2000, request.pollIntervalMs))}, backing off to ${formatDuration(request.pollIntervalMs)}; timeout ${formatDuration(request.timeoutMs)}); on failure ecs:ListTasks + ecs:DescribeTasks for the stopped tasks`,
    );
  }
  if (oneOff?.purpose === 'run-task') calls.push(describeRunTask(oneOff, tdLabel));

  return {
    mode: request.mode,
    region: request.region,
    cluster: request.cluster,
    service: request.service,
    serviceArn: service?.status === 'ACTIVE' ? service.serviceArn : undefined,
    currentRolloutState:
      service?.status === 'ACTIVE'
        ? (service.deployments ?? []).find((d) => d.status === 'PRIMARY')?.rolloutState
        : undefined,
    taskDefinition,
    containers: definition.containerDefinitions ?? [],
    tags,
    servicePlan,
    codeDeploy,
    oneOff,
    wait: request.wait,
    timeoutMs: request.timeoutMs,
    pollIntervalMs: request.pollIntervalMs,
    rollback: request.settings.rollback,
    previousTaskDefinition: service?.status === 'ACTIVE' ? service.taskDefinition : undefined,
    knownEventIds: (service?.events ?? []).map((event) => event.id ?? '').filter((id) => id !== ''),
    consoleUrl:
      request.service === undefined
        ? undefined
        : serviceConsoleUrl(request.region, request.cluster, request.service),
    calls,
    warnings,
  };
}
