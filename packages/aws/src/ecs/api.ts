/**
 * The ECS calls Slipway makes, as one small interface. The implementation on `@aws-sdk/client-ecs`
 * (`sdk-api.ts`) is loaded only when {@link loadEcsApi} is awaited, so that an action validates its inputs before
 * the SDK is ever evaluated; tests drive the same implementation over HTTP against a stand-in.
 */
import type {
  CreateServiceRequest,
  Failure,
  RegisterTaskDefinitionRequest,
  RunTaskRequest,
  Service,
  Tag,
  Task,
  TaskDefinition,
  UpdateServiceRequest,
} from '@aws-sdk/client-ecs';
import type { AwsClientOptions } from '../sdk-client.js';

/** The ECS operations used by deploy-ecs, each retried on throttling, 5xx and dropped connections. */
export interface EcsApi {
  /** A registered revision by family, `family:revision` or ARN, with its tags; undefined when ECS has none. */
  describeTaskDefinition(
    reference: string,
  ): Promise<{ taskDefinition: TaskDefinition; tags: Tag[] } | undefined>;
  registerTaskDefinition(request: RegisterTaskDefinitionRequest): Promise<TaskDefinition>;
  /** One service; undefined when ECS reports it MISSING. */
  describeService(cluster: string, service: string): Promise<Service | undefined>;
  createService(request: CreateServiceRequest): Promise<Service>;
  updateService(request: UpdateServiceRequest): Promise<Service>;
  runTask(request: RunTaskRequest): Promise<{ tasks: Task[]; failures: Failure[] }>;
  /** Up to 100 tasks by ARN or id. */
  describeTasks(cluster: string, tasks: string[]): Promise<Task[]>;
  /** Task ARNs of a cluster, newest first, optionally of one service and desired status. */
  listTasks(
    cluster: string,
    filter: { serviceName?: string; desiredStatus?: 'RUNNING' | 'STOPPED' },
  ): Promise<string[]>;
}

/** How {@link loadEcsApi} builds its client. */
export type EcsApiOptions = AwsClientOptions;

/**
 * Loads `@aws-sdk/client-ecs` and returns an {@link EcsApi} on it. The client uses `maxAttempts: 1`: Slipway's
 * retry policy (core's `retry`) is the only one in effect. Endpoint, region and credentials come from the
 * standard AWS configuration (`AWS_ENDPOINT_URL_ECS`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, ...).
 */
export async function loadEcsApi(options: EcsApiOptions = {}): Promise<EcsApi> {
  const { createSdkEcsApi } = await import('./sdk-api.js');
  return createSdkEcsApi(options);
}
