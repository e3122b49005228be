/**
 * Links into the AWS console for what a deploy touched: the service's deployments, a task, a container's
 * CloudWatch log stream. The console host depends on the partition.
 */
import type { ContainerDefinition } from '@aws-sdk/client-ecs';

function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return `https://${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return `https://${region}.console.amazonaws-us-gov.com`;
  return `https://${region}.console.aws.amazon.com`;
}

function clusterName(cluster: string): string {
  return cluster.includes('/') ? (cluster.split('/').pop() ?? cluster) : cluster;
}

/** The service's deployments page in the ECS console. */
export function serviceConsoleUrl(region: string, cluster: string, service: string): string {
  const c = encodeURIComponent(clusterName(cluster));
  const s = encodeURIComponent(service.split('/').pop() ?? service);
  return `${consoleHost(region)}/ecs/v2/clusters/${c}/services/${s}/deployments?region=${region}`;
}

/** A task's page in the ECS console. */
export function taskConsoleUrl(region: string, cluster: string, taskArnOrId: string): string {
  const id = taskArnOrId.split('/').pop() ?? taskArnOrId;
  return `${consoleHost(region)}/ecs/v2/clusters/${encodeURIComponent(clusterName(cluster))}/tasks/${id}/configuration?region=${region}`;
}

// The CloudWatch console's fragment encodes names twice and writes `%` as `$`: "/" becomes "$252F".
function cloudWatchEncode(text: string): string {
  return encodeURIComponent(encodeURIComponent(text)).replace(/%/g, '$');
}

/**
 * The CloudWatch Logs link of one container of one task, when the container logs with `awslogs` and a stream
 * prefix (the stream is then `PREFIX/CONTAINER/TASK_ID`); otherwise the log group's link, or undefined.
 */
export function containerLogUrl(
  region: string,
  container: Pick<ContainerDefinition, 'name' | 'logConfiguration'> | undefined,
  taskArnOrId: string,
): string | undefined {
  const log = container?.logConfiguration;
  if (log?.logDriver !== 'awslogs') return undefined;
  const group = log.options?.['awslogs-group'];
  if (group === undefined) return undefined;
  const logRegion = log.options?.['awslogs-region'] ?? region;
  const base = `${consoleHost(logRegion)}/cloudwatch/home?region=${logRegion}#logsV2:log-groups/log-group/${cloudWatchEncode(group)}`;
  const prefix = log.options?.['awslogs-stream-prefix'];
  if (prefix === undefined || container?.name === undefined) return base;
  const taskId = taskArnOrId.split('/').pop() ?? taskArnOrId;
  return `${base}/log-events/${cloudWatchEncode(`${prefix}/${container.name}/${taskId}`)}`;
}
