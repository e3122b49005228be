/**
 * {@link EcsApi} on `@aws-sdk/client-ecs`. Loaded lazily by `loadEcsApi`; import only the commands used, so the
 * bundle carries no more of the SDK than needed.
 */
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { retriedCalls, sdkClientConfig } from '../sdk-client.js';
import type { EcsApi, EcsApiOptions } from './api.js';

/** Builds the SDK-backed {@link EcsApi}. */
export function createSdkEcsApi(options: EcsApiOptions): EcsApi {
  const client = new ECSClient(sdkClientConfig(options));
  const call = retriedCalls(options);

  return {
    async describeTaskDefinition(reference) {
      try {
        const out = await call('DescribeTaskDefinition', () =>
          client.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference, include: ['TAGS'] })),
        );
        return out.taskDefinition === undefined
          ? undefined
          : { taskDefinition: out.taskDefinition, tags: out.tags ?? [] };
      } catch (error) {
        // ECS answers an unknown family or revision with this ClientException, not with a "not found" type.
        const e = error as { name?: string; message?: string };
        if (e.name === 'ClientException' && /Unable to describe task definition/i.test(e.message ?? ''))
          return undefined;
        throw error;
      }
    },
    async registerTaskDefinition(request) {
      const out = await call('RegisterTaskDefinition', () =>
        client.send(new RegisterTaskDefinitionCommand(request)),
      );
      if (out.taskDefinition === undefined)
        throw new Error('RegisterTaskDefinition answered without a task definition');
      return out.taskDefinition;
    },
    async describeService(cluster, service) {
      const out = await call('DescribeServices', () =>
        client.send(new DescribeServicesCommand({ cluster, services: [service] })),
      );
      const found = out.services?.[0];
      if (found !== undefined) return found;
      const failure = out.failures?.[0];
      if (failure !== undefined && failure.reason !== 'MISSING') {
        throw new Error(
          `DescribeServices failed for ${service}: ${failure.reason}${failure.detail ? ` (${failure.detail})` : ''}`,
        );
      }
      return undefined;
    },
    async createService(request) {
      const out = await call('CreateService', () => client.send(new CreateServiceCommand(request)));
      if (out.service === undefined) throw new Error('CreateService answered without a service');
      return out.service;
    },
    async updateService(request) {
      const out = await call('UpdateService', () => client.send(new UpdateServiceCommand(request)));
      if (out.service === undefined) throw new Error('UpdateService answered without a service');
      return out.service;
    },
    async runTask(request) {
      const out = await call('RunTask', () => client.send(new RunTaskCommand(request)));
      return { tasks: out.tasks ?? [], failures: out.failures ?? [] };
    },
    async describeTasks(cluster, tasks) {
      if (tasks.length === 0) return [];
      const out = await call('DescribeTasks', () =>
        client.send(new DescribeTasksCommand({ cluster, tasks: tasks.slice(0, 100) })),
      );
      return out.tasks ?? [];
    },
    async listTasks(cluster, filter) {
      const out = await call('ListTasks', () =>
        client.send(
          new ListTasksCommand({
            cluster,
            ...(filter.serviceName === undefined ? {} : { serviceName: filter.serviceName }),
            ...(filter.desiredStatus === undefined ? {} : { desiredStatus: filter.desiredStatus }),
            maxResults: 100,
          }),
        ),
      );
      return out.taskArns ?? [];
    },
  };
}
