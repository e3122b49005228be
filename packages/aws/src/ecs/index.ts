/**
 * `@slipway/aws/ecs`: Amazon ECS deployments. Everything here is pure or takes an injected {@link EcsApi};
 * `@aws-sdk/client-ecs` is loaded only by {@link loadEcsApi}, so importing this module costs no SDK start-up.
 */
export { loadEcsApi } from './api.js';
export type { EcsApi, EcsApiOptions } from './api.js';
export {
  formatCapacityProviderStrategy,
  parseCapacityProviderStrategy,
} from './capacity-provider-strategy.js';
export type { StrategyResult } from './capacity-provider-strategy.js';
export {
  describeContainer,
  describeStoppedTask,
  stoppedTasksOf,
  summariseStoppedTasks,
  toStoppedTask,
} from './diagnose.js';
export type { StoppedContainer, StoppedTask } from './diagnose.js';
export { JsonSyntaxError, jsonPath, parseJsonWithPositions } from './json-lines.js';
export type { LocatedJson, TextPosition } from './json-lines.js';
export { containerLogUrl, serviceConsoleUrl, taskConsoleUrl } from './links.js';
export { fargateProblems, renderTaskDefinition, targetContainer } from './render.js';
export type { BaseOrigin, RenderChanges, RenderProblem, RenderResult } from './render.js';
export { DeploymentTimeoutError, EcsDeploymentObserver, waitForDeployment } from './rollout.js';
export type { DeploymentOutcome, DeploymentWatch, WaitOptions } from './rollout.js';
export {
  RunTaskFailedError,
  TaskObserver,
  TaskTimeoutError,
  decisiveContainer,
  startOneOffTask,
  waitForTask,
} from './run-task.js';
export type { OneOffTaskResult } from './run-task.js';
export { desiredDeploymentConfiguration, planService } from './service-plan.js';
export type {
  ServicePlan,
  ServicePlanProblem,
  ServiceSettings,
  TaskDefinitionFacts,
} from './service-plan.js';
export { FARGATE_SIZES, cpuUnits, fargateSizeProblem, memoryMiB } from './sizes.js';
export {
  READ_ONLY_FIELDS,
  containerNames,
  diffTaskDefinitions,
  normaliseTaskDefinition,
  prune,
  sameTaskDefinition,
  sameValue,
  stableJson,
  toRegisterRequest,
} from './task-definition.js';
export { TaskDefinitionFileError, readTaskDefinitionDocument } from './task-definition-file.js';
export type { TaskDefinitionDocument } from './task-definition-file.js';
export {
  appSpecSha256,
  buildAppSpec,
  CodeDeployObserver,
  loadCodeDeployApi,
  waitForCodeDeploy,
} from './codedeploy.js';
export type { AppSpecInput, CodeDeployApi, CodeDeployApiOptions } from './codedeploy.js';
export { DeployFailedError, applyDeployPlan, deploymentFailureMessage, emptyResult } from './deploy-apply.js';
export type { ApplyHooks, DeployResult } from './deploy-apply.js';
export { observeDeployment } from './deploy-observe.js';
export { DeployPlanError, planDeployment, preflightProblems } from './deploy-plan.js';
export type {
  CodeDeployPlan,
  DeployObserved,
  DeployPlan,
  DeployRequest,
  DeploySource,
  OneOffPlan,
  TaskDefinitionPlan,
} from './deploy-plan.js';
