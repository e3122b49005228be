/**
 * Planning a service change: CreateService when the service is missing, UpdateService with only what differs
 * otherwise, nothing when nothing differs. Pure data in, pure data out; the task definition ARN is filled in
 * when the plan is applied (it may not be registered yet).
 */
import type {
  CapacityProviderStrategyItem,
  CreateServiceRequest,
  DeploymentConfiguration,
  DeploymentStrategy,
  LaunchType,
  LoadBalancer,
  NetworkConfiguration,
  Service,
  ServiceConnectConfiguration,
  Tag,
  UpdateServiceRequest,
} from '@aws-sdk/client-ecs';
import { formatCapacityProviderStrategy } from './capacity-provider-strategy.js';
import { sameValue } from './task-definition.js';

/** What the workflow asks of the service; undefined fields keep what the service has (or ECS's default). */
export interface ServiceSettings {
  cluster: string;
  service: string;
  desiredCount?: number | undefined;
  launchType?: LaunchType | undefined;
  capacityProviderStrategy?: CapacityProviderStrategyItem[] | undefined;
  platformVersion?: string | undefined;
  subnets?: string[] | undefined;
  securityGroups?: string[] | undefined;
  assignPublicIp?: boolean | undefined;
  /** Service Connect, as ECS models it; `enabled` defaults to true. */
  serviceConnect?: ServiceConnectConfiguration | undefined;
  loadBalancers?: LoadBalancer[] | undefined;
  enableExecuteCommand?: boolean | undefined;
  /** The deployment circuit breaker; `rollback` also rolls back on alarms. */
  circuitBreaker: boolean;
  rollback: boolean;
  strategy?: DeploymentStrategy | undefined;
  bakeTimeInMinutes?: number | undefined;
  /** LINEAR: step percent and minutes between steps; CANARY: canary percent and minutes before the rest. */
  trafficShiftPercent?: number | undefined;
  trafficShiftIntervalMinutes?: number | undefined;
  /** CloudWatch alarms that fail the deployment; `[]` turns alarms off. */
  alarms?: string[] | undefined;
  forceNewDeployment: boolean;
  tags: Tag[];
}

/** What the plan needs to know of the task definition to deploy. */
export interface TaskDefinitionFacts {
  /** Whether the service will run a different revision than it does now (or has none yet). */
  changes: boolean;
  /** `family:revision` when known, `family:(new)` when still to register; for the plan's words. */
  label: string;
  networkMode?: string | undefined;
  requiresFargate: boolean;
}

/** A planned service call. `request.taskDefinition` is filled in by whoever applies it. */
export type ServicePlan =
  | { action: 'create'; request: CreateServiceRequest; changes: string[] }
  | { action: 'update'; request: UpdateServiceRequest; changes: string[]; newDeployment: boolean }
  | { action: 'none'; changes: string[] };

/** A request the service cannot take, naming the input it comes from. */
export interface ServicePlanProblem {
  input: string;
  message: string;
}

function strategyOf(config: DeploymentConfiguration | undefined): DeploymentStrategy {
  return config?.strategy ?? 'ROLLING';
}

/**
 * The deployment configuration the service should have: what it has, with the circuit breaker, strategy, bake
 * times and alarms the workflow asks for, and without settings that belong to another strategy.
 */
export function desiredDeploymentConfiguration(
  settings: ServiceSettings,
  current: DeploymentConfiguration | undefined,
): DeploymentConfiguration {
  const out: DeploymentConfiguration = structuredClone(current ?? {});
  out.deploymentCircuitBreaker = {
    ...(current?.deploymentCircuitBreaker ?? {}),
    enable: settings.circuitBreaker,
    rollback: settings.circuitBreaker && settings.rollback,
  };
  if (settings.strategy !== undefined) out.strategy = settings.strategy;
  const strategy = strategyOf(out);
  if (settings.bakeTimeInMinutes !== undefined) out.bakeTimeInMinutes = settings.bakeTimeInMinutes;
  const percent = settings.trafficShiftPercent;
  const minutes = settings.trafficShiftIntervalMinutes;
  if (strategy === 'LINEAR') {
    out.linearConfiguration = {
      ...(current?.linearConfiguration ?? {}),
      ...(percent === undefined ? {} : { stepPercent: percent }),
      ...(minutes === undefined ? {} : { stepBakeTimeInMinutes: minutes }),
    };
  } else delete out.linearConfiguration;
  if (strategy === 'CANARY') {
    out.canaryConfiguration = {
      ...(current?.canaryConfiguration ?? {}),
      ...(percent === undefined ? {} : { canaryPercent: percent }),
      ...(minutes === undefined ? {} : { canaryBakeTimeInMinutes: minutes }),
    };
  } else delete out.canaryConfiguration;
  if (settings.alarms !== undefined) {
    out.alarms =
      settings.alarms.length > 0
        ? { alarmNames: settings.alarms, enable: true, rollback: settings.rollback }
        : { alarmNames: [], enable: false, rollback: false };
  }
  return out;
}

function describeDeploymentConfiguration(config: DeploymentConfiguration): string {
  const parts: string[] = [];
  const breaker = config.deploymentCircuitBreaker;
  parts.push(
    breaker?.enable === true
      ? `circuit breaker on${breaker.rollback === true ? ' with rollback' : ''}`
      : 'circuit breaker off',
  );
  const strategy = strategyOf(config);
  let text = strategy;
  if (strategy === 'LINEAR' && config.linearConfiguration) {
    text += ` ${config.linearConfiguration.stepPercent ?? 10}% every ${config.linearConfiguration.stepBakeTimeInMinutes ?? 6} min`;
  }
  if (strategy === 'CANARY' && config.canaryConfiguration) {
    text += ` ${config.canaryConfiguration.canaryPercent ?? 5}% for ${config.canaryConfiguration.canaryBakeTimeInMinutes ?? 10} min`;
  }
  if (strategy !== 'ROLLING' && config.bakeTimeInMinutes !== undefined)
    text += `, bake ${config.bakeTimeInMinutes} min`;
  parts.push(`strategy ${text}`);
  if (config.alarms?.enable === true) parts.push(`alarms ${config.alarms.alarmNames?.join(', ')}`);
  return parts.join('; ');
}

function networkOf(
  settings: ServiceSettings,
  current: NetworkConfiguration | undefined,
): NetworkConfiguration | undefined {
  if (
    settings.subnets === undefined &&
    settings.securityGroups === undefined &&
    settings.assignPublicIp === undefined
  ) {
    return undefined;
  }
  const vpc = current?.awsvpcConfiguration;
  const assign =
    settings.assignPublicIp === undefined
      ? vpc?.assignPublicIp
      : settings.assignPublicIp
        ? 'ENABLED'
        : 'DISABLED';
  return {
    awsvpcConfiguration: {
      subnets: settings.subnets ?? vpc?.subnets ?? [],
      ...((settings.securityGroups ?? vpc?.securityGroups) === undefined
        ? {}
        : { securityGroups: settings.securityGroups ?? vpc?.securityGroups }),
      ...(assign === undefined ? {} : { assignPublicIp: assign }),
    },
  };
}

function describeNetwork(network: NetworkConfiguration): string {
  const vpc = network.awsvpcConfiguration;
  return `subnets ${vpc?.subnets?.join(', ') || '(none)'}; security groups ${vpc?.securityGroups?.join(', ') || '(default)'}; public IP ${vpc?.assignPublicIp ?? 'DISABLED'}`;
}

function serviceConnectOf(settings: ServiceSettings): ServiceConnectConfiguration | undefined {
  if (settings.serviceConnect === undefined) return undefined;
  return { ...settings.serviceConnect, enabled: settings.serviceConnect.enabled ?? true };
}

function describeServiceConnect(config: ServiceConnectConfiguration): string {
  if (config.enabled !== true) return 'off';
  const services = (config.services ?? []).map((s) => {
    const aliases = (s.clientAliases ?? []).map(
      (a) => `${a.dnsName ?? s.discoveryName ?? s.portName}:${a.port}`,
    );
    return `${s.portName}${s.discoveryName ? ` as ${s.discoveryName}` : ''}${aliases.length > 0 ? ` (${aliases.join(', ')})` : ''}`;
  });
  return `namespace ${config.namespace ?? '(cluster default)'}${services.length > 0 ? `; ${services.join('; ')}` : ''}`;
}

function strategyOrLaunch(service: Pick<Service, 'launchType' | 'capacityProviderStrategy'>): string {
  if (service.capacityProviderStrategy !== undefined && service.capacityProviderStrategy.length > 0) {
    return formatCapacityProviderStrategy(service.capacityProviderStrategy);
  }
  return service.launchType ?? '(cluster default)';
}

function checkStrategySettings(
  settings: ServiceSettings,
  effective: DeploymentStrategy,
  creating: boolean,
  problems: ServicePlanProblem[],
): void {
  if (settings.trafficShiftPercent !== undefined && effective !== 'LINEAR' && effective !== 'CANARY') {
    problems.push({
      input: 'traffic-shift-percent',
      message: `applies to the LINEAR and CANARY strategies; the service's deployment strategy is ${effective}`,
    });
  }
  if (
    settings.trafficShiftIntervalMinutes !== undefined &&
    effective !== 'LINEAR' &&
    effective !== 'CANARY'
  ) {
    problems.push({
      input: 'traffic-shift-interval',
      message: `applies to the LINEAR and CANARY strategies; the service's deployment strategy is ${effective}`,
    });
  }
  if (settings.trafficShiftPercent !== undefined) {
    const [min, max] = effective === 'LINEAR' ? [3, 100] : [0.1, 100];
    if (settings.trafficShiftPercent < min || settings.trafficShiftPercent > max) {
      problems.push({
        input: 'traffic-shift-percent',
        message: `must be from ${min} to ${max} for ${effective}, got ${settings.trafficShiftPercent}`,
      });
    }
  }
  if (creating && effective === 'BLUE_GREEN' && settings.bakeTimeInMinutes === undefined) {
    problems.push({
      input: 'bake-time',
      message: 'is required to create a service with the BLUE_GREEN strategy (ECS needs a bake time)',
    });
  }
}

/**
 * Plans the service call. `observed` is the service as DescribeServices answered (undefined when MISSING).
 * Problems name the input that asks for something ECS cannot do with this service.
 */
export function planService(
  settings: ServiceSettings,
  observed: Service | undefined,
  taskDefinition: TaskDefinitionFacts,
): { plan: ServicePlan | undefined; problems: ServicePlanProblem[] } {
  const problems: ServicePlanProblem[] = [];
  if (settings.launchType !== undefined && settings.capacityProviderStrategy !== undefined) {
    problems.push({
      input: 'capacity-provider-strategy',
      message: 'cannot be combined with `launch-type`: ECS takes one or the other',
    });
  }
  if (observed !== undefined && observed.status === 'DRAINING') {
    problems.push({
      input: 'service',
      message: `${settings.service} is DRAINING (being deleted); wait until it is gone, then deploy again`,
    });
  }
  const creating = observed === undefined || observed.status === 'INACTIVE';
  if (creating) return planCreate(settings, taskDefinition, problems);
  return planUpdate(settings, observed, taskDefinition, problems);
}

function planCreate(
  settings: ServiceSettings,
  taskDefinition: TaskDefinitionFacts,
  problems: ServicePlanProblem[],
): { plan: ServicePlan | undefined; problems: ServicePlanProblem[] } {
  const changes: string[] = [
    `create service ${settings.service} in cluster ${settings.cluster} with ${taskDefinition.label}`,
  ];
  const network = networkOf(settings, undefined);
  if (taskDefinition.networkMode === 'awsvpc' && (network?.awsvpcConfiguration?.subnets ?? []).length === 0) {
    problems.push({
      input: 'subnets',
      message: `is required to create ${settings.service}: its task definition uses the awsvpc network mode`,
    });
  }
  const launchType =
    settings.launchType ??
    (settings.capacityProviderStrategy === undefined && taskDefinition.requiresFargate
      ? 'FARGATE'
      : undefined);
  const deploymentConfiguration = desiredDeploymentConfiguration(settings, undefined);
  checkStrategySettings(settings, strategyOf(deploymentConfiguration), true, problems);
  const serviceConnect = serviceConnectOf(settings);
  const request: CreateServiceRequest = {
    cluster: settings.cluster,
    serviceName: settings.service,
    taskDefinition: undefined,
    desiredCount: settings.desiredCount ?? 1,
    ...(launchType === undefined ? {} : { launchType }),
    ...(settings.capacityProviderStrategy === undefined
      ? {}
      : { capacityProviderStrategy: settings.capacityProviderStrategy }),
    ...(settings.platformVersion === undefined ? {} : { platformVersion: settings.platformVersion }),
    ...(network === undefined ? {} : { networkConfiguration: network }),
    ...(serviceConnect === undefined ? {} : { serviceConnectConfiguration: serviceConnect }),
    ...(settings.loadBalancers === undefined ? {} : { loadBalancers: settings.loadBalancers }),
    enableExecuteCommand: settings.enableExecuteCommand ?? false,
    deploymentConfiguration,
    deploymentController: { type: 'ECS' },
    ...(settings.tags.length > 0 ? { tags: settings.tags, propagateTags: 'SERVICE' as const } : {}),
  };
  changes.push(`desired count ${request.desiredCount}`);
  changes.push(`placement ${strategyOrLaunch(request)}`);
  if (network !== undefined) changes.push(`network: ${describeNetwork(network)}`);
  if (serviceConnect !== undefined)
    changes.push(`Service Connect: ${describeServiceConnect(serviceConnect)}`);
  if (request.enableExecuteCommand) changes.push('ECS Exec on');
  changes.push(`deployment: ${describeDeploymentConfiguration(deploymentConfiguration)}`);
  return { plan: problems.length > 0 ? undefined : { action: 'create', request, changes }, problems };
}

function planUpdate(
  settings: ServiceSettings,
  service: Service,
  taskDefinition: TaskDefinitionFacts,
  problems: ServicePlanProblem[],
): { plan: ServicePlan | undefined; problems: ServicePlanProblem[] } {
  const request: UpdateServiceRequest = { cluster: settings.cluster, service: settings.service };
  const changes: string[] = [];
  let forced = settings.forceNewDeployment;
  const controller = service.deploymentController?.type ?? 'ECS';
  if (controller !== 'ECS') {
    problems.push({
      input: 'service',
      message: `${settings.service} uses the ${controller} deployment controller, which this update path does not drive`,
    });
  }
  const primary = (service.deployments ?? []).find((d) => d.status === 'PRIMARY');

  if (taskDefinition.changes)
    changes.push(`task definition ${service.taskDefinition?.split('/').pop()} → ${taskDefinition.label}`);
  if (settings.desiredCount !== undefined && settings.desiredCount !== service.desiredCount) {
    request.desiredCount = settings.desiredCount;
    changes.push(`desired count ${service.desiredCount} → ${settings.desiredCount}`);
  }
  const usesStrategy = (service.capacityProviderStrategy ?? []).length > 0;
  if (settings.launchType !== undefined) {
    const current = service.launchType;
    if (usesStrategy || (current !== undefined && current !== settings.launchType)) {
      problems.push({
        input: 'launch-type',
        message: `${settings.service} runs on ${strategyOrLaunch(service)}; ECS cannot change a service's launch type in place (use \`capacity-provider-strategy\`, or create a new service)`,
      });
    }
  }
  if (
    settings.capacityProviderStrategy !== undefined &&
    !sameValue(settings.capacityProviderStrategy, service.capacityProviderStrategy ?? [])
  ) {
    request.capacityProviderStrategy = settings.capacityProviderStrategy;
    forced = true;
    changes.push(
      `placement ${strategyOrLaunch(service)} → ${formatCapacityProviderStrategy(settings.capacityProviderStrategy)} (a new deployment moves the tasks)`,
    );
  }
  if (settings.platformVersion !== undefined && settings.platformVersion !== service.platformVersion) {
    request.platformVersion = settings.platformVersion;
    changes.push(`platform version ${service.platformVersion ?? '(default)'} → ${settings.platformVersion}`);
  }
  const network = networkOf(settings, service.networkConfiguration);
  if (network !== undefined && !sameValue(network, service.networkConfiguration)) {
    request.networkConfiguration = network;
    changes.push(`network: ${describeNetwork(network)}`);
  }
  const serviceConnect = serviceConnectOf(settings);
  if (serviceConnect !== undefined && !sameValue(serviceConnect, primary?.serviceConnectConfiguration)) {
    request.serviceConnectConfiguration = serviceConnect;
    changes.push(`Service Connect: ${describeServiceConnect(serviceConnect)}`);
  }
  if (settings.loadBalancers !== undefined && !sameValue(settings.loadBalancers, service.loadBalancers)) {
    request.loadBalancers = settings.loadBalancers;
    changes.push(
      `load balancers: ${settings.loadBalancers.map((lb) => `${lb.containerName}:${lb.containerPort}`).join(', ')}`,
    );
  }
  if (
    settings.enableExecuteCommand !== undefined &&
    settings.enableExecuteCommand !== (service.enableExecuteCommand ?? false)
  ) {
    request.enableExecuteCommand = settings.enableExecuteCommand;
    // Running tasks keep their setting; a new deployment gives every task the new one.
    forced = true;
    changes.push(
      `ECS Exec ${settings.enableExecuteCommand ? 'on' : 'off'} (a new deployment applies it to every task)`,
    );
  }
  const deploymentConfiguration = desiredDeploymentConfiguration(settings, service.deploymentConfiguration);
  checkStrategySettings(settings, strategyOf(deploymentConfiguration), false, problems);
  if (!sameValue(deploymentConfiguration, service.deploymentConfiguration)) {
    request.deploymentConfiguration = deploymentConfiguration;
    changes.push(`deployment: ${describeDeploymentConfiguration(deploymentConfiguration)}`);
  }
  if (forced) request.forceNewDeployment = true;
  if (settings.forceNewDeployment && !taskDefinition.changes) changes.push('force a new deployment');

  const newDeployment =
    taskDefinition.changes ||
    forced ||
    request.networkConfiguration !== undefined ||
    request.serviceConnectConfiguration !== undefined ||
    request.platformVersion !== undefined ||
    request.loadBalancers !== undefined;
  if (problems.length > 0) return { plan: undefined, problems };
  if (!newDeployment && changes.length === 0) {
    return {
      plan: {
        action: 'none',
        changes: [`${settings.service} already runs ${taskDefinition.label} as asked`],
      },
      problems,
    };
  }
  return { plan: { action: 'update', request, changes, newDeployment }, problems };
}
