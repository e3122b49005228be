/**
 * The job summary of a deploy: one table row per object (what the apply did, how its rollout ended), then why a
 * rollout failed, what was rolled back, and the warnings. Markdown only; the action writes it.
 */
import { SummaryBuilder } from '@slipway/core';
import type { DeployReport } from './deploy.js';
import { describeRef } from './types.js';

const ICON: Record<string, string> = {
  done: '✅ rolled out',
  failed: '❌ failed',
  progressing: '⏳ not finished',
  'not waited': '—',
};

/** The applied output: one entry per object with what happened to it. */
export function appliedOutput(
  report: DeployReport,
): Array<{ kind: string; namespace: string | null; name: string; changed: boolean; action: string }> {
  return report.applied.map((a) => ({
    kind: a.ref.kind,
    namespace: a.ref.namespace ?? null,
    name: a.ref.name,
    changed: a.action !== 'unchanged',
    action: a.action,
  }));
}

/** The job summary for a deploy to `target` (e.g. `EKS cluster production (us-east-1)`). */
export function renderSummary(report: DeployReport, target: string, title: string): string {
  const s = new SummaryBuilder();
  const verdict =
    report.outcome === 'dry-run'
      ? 'dry run: nothing was changed'
      : report.outcome === 'succeeded'
        ? 'succeeded'
        : 'failed';
  s.heading(`${title}: ${verdict}`);
  s.paragraph(`${target}, default namespace \`${report.namespace}\`.`);
  const rows = report.applied.map((a) => {
    const rollout = report.rollouts.find((r) => describeRef(r.ref) === describeRef(a.ref));
    const rollback = report.rollbacks.find((r) => describeRef(r.ref) === describeRef(a.ref));
    const rolloutCell =
      rollout === undefined
        ? ''
        : `${ICON[rollout.state] ?? rollout.state}${rollout.message !== '' && rollout.state !== 'not waited' ? `: ${rollout.message}` : ''}`;
    const rollbackCell =
      rollback === undefined
        ? ''
        : rollback.result.rolledBack
          ? ` ↩ rolled back to revision ${rollback.result.toRevision}${rollback.state === 'done' ? '' : ` (${rollback.state ?? 'unknown'})`}`
          : ` (not rolled back: ${rollback.result.reason})`;
    return [
      a.ref.kind,
      a.ref.namespace ?? '',
      a.ref.name,
      report.outcome === 'dry-run' ? `would be ${a.action}` : a.action,
      `${rolloutCell}${rollbackCell}`,
      `${a.source.file}:${a.source.line}`,
    ];
  });
  for (const skipped of report.skipped)
    rows.push([
      skipped.ref.kind,
      skipped.ref.namespace ?? '',
      skipped.ref.name,
      'not checked',
      skipped.reason,
      '',
    ]);
  s.table(['Kind', 'Namespace', 'Name', 'Apply', 'Rollout', 'Source'], rows);
  if (report.failure !== undefined) {
    s.heading('Why', 3);
    const lines = report.diagnoses.flatMap((d) => [
      ...d.problems.map((p) => `\`${describeRef(d.ref)}\`: ${p}`),
      ...d.adjustments,
    ]);
    s.list(lines.length > 0 ? lines : [report.failure]);
    for (const d of report.diagnoses) {
      for (const l of d.logs)
        s.details(`Last log lines of ${l.pod} / ${l.container}`, `\`\`\`\n${l.lines.join('\n')}\n\`\`\``);
      if (d.events.length > 0)
        s.details(`Warning events of ${describeRef(d.ref)}`, d.events.map((e) => `- ${e}`).join('\n'));
    }
  }
  if (report.outcome === 'dry-run') {
    const diffs = report.applied.filter((a) => a.diff !== undefined && a.diff !== '');
    for (const a of diffs)
      s.details(`Diff of ${describeRef(a.ref)}`, `\`\`\`diff\n${(a.diff ?? '').trimEnd()}\n\`\`\``);
  }
  if (report.images.length > 0) s.paragraph(`Images: ${report.images.map((i) => `\`${i}\``).join(', ')}`);
  if (report.warnings.length > 0) {
    s.heading('Warnings', 3);
    s.list(report.warnings);
  }
  return s.toMarkdown();
}
