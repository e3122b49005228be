/**
 * Console and Logs Explorer links for the job summary and for failures. Cloud Run gives a revision's and an
 * execution's own `logUri`; these are built the same way when it is missing.
 */

function query(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
}

/** The service's page in the Cloud console. */
export function serviceConsoleUrl(project: string, region: string, service: string): string {
  return `https://console.cloud.google.com/run/detail/${region}/${service}/revisions?${query({ project })}`;
}

/** The logs of one revision in Logs Explorer. */
export function revisionLogsUrl(project: string, region: string, service: string, revision: string): string {
  const filter = [
    'resource.type="cloud_run_revision"',
    `resource.labels.location="${region}"`,
    `resource.labels.service_name="${service}"`,
    `resource.labels.revision_name="${revision}"`,
  ].join('\n');
  return `https://console.cloud.google.com/logs/query;query=${encodeURIComponent(filter)}?${query({ project })}`;
}

/** The job's page in the Cloud console. */
export function jobConsoleUrl(project: string, region: string, job: string): string {
  return `https://console.cloud.google.com/run/jobs/details/${region}/${job}/executions?${query({ project })}`;
}

/** An execution's page (its tasks) in the Cloud console. */
export function executionConsoleUrl(project: string, region: string, execution: string): string {
  return `https://console.cloud.google.com/run/jobs/executions/details/${region}/${execution}/tasks?${query({ project })}`;
}
