/**
 * The read-only calls before a deploy: the service, the registered definition to start from, and the latest
 * revision of the family (to skip registering identical content). Missing things the request depends on become
 * problems naming the input, before anything is changed.
 */
import type { EcsApi } from './api.js';
import { DeployPlanError } from './deploy-plan.js';
import type { DeployObserved, DeployRequest } from './deploy-plan.js';

/** The family of a task definition reference: `family`, `family:revision` or an ARN. */
function familyOf(reference: string): string {
  const name = reference.includes('/') ? (reference.split('/').pop() ?? reference) : reference;
  return name.replace(/:\d+$/, '');
}

function isClusterNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'ClusterNotFoundException'
  );
}

/** Makes the read-only calls a plan needs. Throws {@link DeployPlanError} for a missing cluster, service or revision. */
export async function observeDeployment(
  request: Pick<DeployRequest, 'mode' | 'region' | 'cluster' | 'service' | 'source'>,
  api: EcsApi,
): Promise<DeployObserved> {
  let service: DeployObserved['service'];
  if (request.service !== undefined) {
    try {
      service = await api.describeService(request.cluster, request.service);
    } catch (error) {
      if (isClusterNotFound(error)) {
        throw new DeployPlanError([
          { input: 'cluster', message: `cluster "${request.cluster}" does not exist in ${request.region}` },
        ]);
      }
      throw error;
    }
    if (service?.status === 'INACTIVE') service = { ...service, events: [] };
  }
  const active = service !== undefined && service.status === 'ACTIVE' ? service : undefined;

  // The family's latest revision is looked up by family; when the base is that same revision (the usual case:
  // a service runs its family's latest), one DescribeTaskDefinition serves both.
  let registered: DeployObserved['registered'];
  let latest: DeployObserved['latest'];
  if (request.source.kind === 'file') {
    const family = request.source.document.definition.family;
    if (family !== undefined) latest = await api.describeTaskDefinition(family);
  } else {
    let reference: string;
    if (request.source.kind === 'registered') {
      reference = request.source.reference;
    } else {
      if (active?.taskDefinition === undefined) {
        throw new DeployPlanError([
          {
            input: 'service',
            message: `service "${request.service ?? ''}" does not exist in cluster ${request.cluster}, and no \`task-definition\` was given to create it from`,
          },
        ]);
      }
      reference = active.taskDefinition;
    }
    const family = familyOf(reference);
    latest = await api.describeTaskDefinition(family);
    const latestArn = latest?.taskDefinition.taskDefinitionArn;
    registered =
      reference === family || reference === latestArn || latestArn?.endsWith(`/${reference}`) === true
        ? latest
        : await api.describeTaskDefinition(reference);
    if (registered === undefined) {
      if (request.source.kind === 'registered') {
        throw new DeployPlanError([
          {
            input: 'task-definition',
            message: `no task definition "${reference}" is registered in ${request.region}`,
          },
        ]);
      }
      throw new Error(`the service's task definition ${reference} could not be described`);
    }
  }
  return { service: active ?? service, registered, latest };
}
