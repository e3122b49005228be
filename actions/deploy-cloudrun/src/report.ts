/**
 * What the run shows: the plan of each region (its changes, and for `dry-run` the spec it would send), the
 * outcome (outputs, and a job summary with the service, revision, traffic table and links), and failures with
 * Cloud Run's own message and a link to the revision's logs. Pure functions of plans and results, except
 * {@link writeReport}.
 */
import { SummaryBuilder, escapeMarkdownCell, setOutputs } from '@slipway/core';
import type { OutputValue } from '@slipway/core';
import type {
  ExecutionResult,
  JobPlan,
  JobResult,
  ServicePlan,
  ServiceResult,
  TrafficRow,
} from '@slipway/gcp/run';
import { hideEnvValues, prune, renderChanges } from '@slipway/gcp/run';

/** The plans of a run. */
export type Plans = { kind: 'service'; plans: ServicePlan[] } | { kind: 'job'; plans: JobPlan[] };

/** One region's outcome: a result, or an error (with a partial job result when an execution failed). */
export type Outcome =
  | { region: string; ok: true; service?: ServiceResult; job?: JobResult }
  | { region: string; ok: false; error: string; job?: JobResult; logsUrl?: string };

/** Log lines describing one plan: what happens, and the changes. */
export function planLines(plan: ServicePlan | JobPlan): string[] {
  const { region } = plan.request;
  const what = 'service' in plan.request ? `service ${plan.request.service}` : `job ${plan.request.job}`;
  const lines: string[] = [];
  if (plan.action === 'none') lines.push(`${region}: ${what} is up to date: nothing to change`);
  else
    lines.push(
      `${region}: ${plan.action} ${what} (${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'})`,
    );
  if ('makesRevision' in plan && plan.action !== 'none') {
    lines.push(
      `${region}: ${plan.makesRevision ? `new revision${plan.revisionName ? ` ${plan.revisionName}` : ''}` : 'no new revision (the template is unchanged)'}`,
    );
  }
  if ('finalTraffic' in plan && plan.finalTraffic !== undefined) {
    lines.push(
      `${region}: traffic stays pinned until the new revision is ready, then follows the latest revision`,
    );
  }
  if ('invoker' in plan && plan.invoker !== undefined) {
    lines.push(`${region}: ${plan.invoker.public ? 'add' : 'remove'} allUsers as roles/run.invoker`);
  }
  for (const change of renderChanges(plan.action === 'create' ? [] : plan.changes))
    lines.push(`${region}:   ${change}`);
  return lines;
}

/** The spec a plan would send, as indented JSON with environment values hidden. */
export function specText(plan: ServicePlan | JobPlan): string {
  const spec =
    'finalTraffic' in plan && plan.finalTraffic !== undefined
      ? { ...plan.desired, traffic: plan.finalTraffic }
      : plan.desired;
  return JSON.stringify(prune(hideEnvValues(spec)) ?? {}, null, 2);
}

function trafficTable(summary: SummaryBuilder, rows: TrafficRow[]): void {
  summary.table(
    ['Revision', 'Traffic', 'Tag', 'URL'],
    rows.map((r) => [
      `${r.revision}${r.latest ? ' (latest)' : ''}`,
      `${r.percent} %`,
      r.tag ?? '',
      r.url ? summary.link(r.url, r.url) : '',
    ]),
  );
}

/** The summary of a dry run: each region's changes and the spec it would send. */
export function dryRunSummary(plans: Plans): SummaryBuilder {
  const summary = new SummaryBuilder().heading('deploy-cloudrun: dry run');
  summary.paragraph('Nothing was changed. Environment variable values are hidden.');
  for (const plan of plans.plans) {
    const { region } = plan.request;
    summary.heading(`${region}: ${plan.action === 'none' ? 'up to date' : plan.action}`, 3);
    const changes = renderChanges(plan.changes);
    if (plan.action === 'update' && changes.length > 0) summary.code(changes.join('\n'), 'diff');
    summary.details(
      `${plan.action === 'create' ? 'Spec to create' : 'Spec'} (${region})`,
      '```json\n' + specText(plan) + '\n```',
    );
  }
  return summary;
}

function executionRows(e: ExecutionResult): Array<[string, string]> {
  return [
    ['Execution', e.id],
    [
      'Tasks',
      `${e.succeeded} succeeded, ${e.failed} failed${e.cancelled ? `, ${e.cancelled} cancelled` : ''}${e.running ? `, ${e.running} running` : ''} of ${e.tasks}`,
    ],
  ];
}

/** The summary of a run: one section per region, with traffic and links, failures quoted. */
export function resultSummary(kind: Plans['kind'], name: string, outcomes: Outcome[]): SummaryBuilder {
  const summary = new SummaryBuilder().heading(`deploy-cloudrun: ${kind} ${name}`);
  for (const outcome of outcomes) {
    summary.heading(outcome.region, 3);
    if (!outcome.ok) {
      summary.paragraph(`> [!CAUTION]\n> ${escapeMarkdownCell(outcome.error)}`);
      if (outcome.logsUrl) summary.paragraph(summary.link('Revision logs', outcome.logsUrl));
    }
    const service = outcome.ok ? outcome.service : undefined;
    if (service !== undefined) {
      summary.table(
        ['', ''],
        [
          ['Service', summary.link(service.service, service.consoleUrl)],
          ['Action', service.action],
          ['Revision', service.revision],
          ['URL', service.url ? summary.link(service.url, service.url) : ''],
          ...(service.tagUrl
            ? [['Tag URL', summary.link(service.tagUrl, service.tagUrl)] as [string, string]]
            : []),
          ...(service.invoker
            ? ([
                [
                  'Public access',
                  service.invoker === 'added' ? 'allUsers added as invoker' : 'allUsers removed',
                ],
              ] as Array<[string, string]>)
            : []),
        ],
      );
      trafficTable(summary, service.traffic);
      if (service.logsUrl) summary.paragraph(summary.link(`Logs of ${service.revision}`, service.logsUrl));
    }
    const job = outcome.job;
    if (job !== undefined) {
      summary.table(
        ['', ''],
        [
          ['Job', summary.link(job.job, job.consoleUrl)],
          ['Action', job.action],
          ...(job.execution ? executionRows(job.execution) : []),
        ],
      );
      if (job.execution !== undefined) {
        if (job.execution.failures.length > 0)
          summary.list(job.execution.failures.map((f) => escapeMarkdownCell(f)));
        summary.paragraph(
          [
            summary.link('Execution', job.execution.consoleUrl),
            job.execution.logsUrl ? summary.link('Logs', job.execution.logsUrl) : undefined,
          ]
            .filter((x) => x !== undefined)
            .join(' · '),
        );
      }
    }
  }
  return summary;
}

/** The outputs of a run: the first region's values, and every region's in `regions`. */
export function outputsOf(outcomes: Outcome[]): Record<string, OutputValue> {
  const regions: Record<string, Record<string, unknown>> = {};
  for (const o of outcomes) {
    const entry: Record<string, unknown> = {};
    if (o.ok && o.service) {
      Object.assign(entry, {
        action: o.service.action,
        url: o.service.url,
        revision: o.service.revision,
        tagUrl: o.service.tagUrl,
        traffic: o.service.traffic,
      });
    }
    if (o.job) {
      Object.assign(entry, { action: o.job.action });
      if (o.job.execution) {
        Object.assign(entry, {
          execution: o.job.execution.id,
          tasksSucceeded: o.job.execution.succeeded,
          tasksFailed: o.job.execution.failed,
        });
      }
    }
    if (!o.ok) entry.error = o.error;
    regions[o.region] = entry;
  }
  const first = outcomes[0];
  const service = first?.ok ? first.service : undefined;
  const execution = first?.job?.execution;
  const changed = outcomes.some(
    (o) => (o.ok && o.service && o.service.action !== 'unchanged') || (o.job && o.job.action !== 'unchanged'),
  );
  return {
    url: service?.url || undefined,
    revision: service?.revision || undefined,
    'tag-url': service?.tagUrl,
    traffic: service === undefined ? undefined : service.traffic,
    execution: execution?.id,
    'tasks-succeeded': execution?.succeeded,
    'tasks-failed': execution?.failed,
    regions,
    changed,
  };
}

/** Sets the outputs and appends the summary to the job summary. */
export async function writeReport(
  outputs: Record<string, OutputValue>,
  summary: SummaryBuilder,
): Promise<void> {
  setOutputs(outputs);
  await summary.write();
}
