/**
 * The pure middle of the action: from the spec files read at both revisions to the reports, the difference,
 * the comment text, the outputs and whether the step must fail. No clock, environment or network.
 */
import { priceCollected } from '@slipway/cli';
import type { CollectResult, JsonReport } from '@slipway/cli';
import {
  COMMENT_MARKER,
  diffReports,
  estimate,
  formatPercent,
  formatSignedUSD,
  renderMarkdownComment,
} from '@slipway/pricing';
import type { CommentOptions, CostDiff, EstimateOptions, SpecError } from '@slipway/pricing';
import type { IncreaseThreshold, Inputs } from './inputs.js';

/** What observation found: the spec files at the head and (when there is one) at the base revision. */
export interface Observed {
  head: CollectResult;
  base: { ref: string; files: CollectResult } | undefined;
  /** Files that differ between the revisions (all matching files when there is no base). */
  changed: string[];
}

/** The action's outputs, as strings. */
export interface EstimateOutputs {
  'monthly-cost': string;
  'monthly-cost-base': string;
  diff: string;
  'diff-percent': string;
}

/** Everything the action will report and do. */
export interface Plan {
  report: JsonReport;
  diff: CostDiff;
  /** The full report for the job summary. */
  markdown: string;
  /** The pull-request comment: the same report, cut to the changes that matter most to fit in a comment. */
  comment: string;
  outputs: EstimateOutputs;
  /** Reasons to fail the step once the report is out; empty when the step succeeds. */
  failures: string[];
}

/** The estimate options the inputs ask for. */
export function estimateOptionsFrom(inputs: Inputs): EstimateOptions {
  const opts: EstimateOptions = {};
  if (inputs.region !== undefined) opts.region = inputs.region;
  if (inputs.platforms !== undefined) opts.platforms = inputs.platforms;
  if (inputs.freeTier) opts.freeTier = true;
  if (inputs.requestsPerMonth !== undefined || inputs.requestSeconds !== undefined) {
    opts.usage = {};
    if (inputs.requestsPerMonth !== undefined) opts.usage.requestsPerMonth = inputs.requestsPerMonth;
    if (inputs.requestSeconds !== undefined) opts.usage.requestSeconds = inputs.requestSeconds;
  }
  return opts;
}

/** A commit id shortened as GitHub shows it; other revisions as written. */
function shortRef(ref: string): string {
  return /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 7) : ref;
}

function money(usd: number): string {
  return usd.toFixed(2);
}

function located(e: SpecError): string {
  return `${e.file}:${e.line}: ${e.message}`;
}

/** GitHub refuses comments longer than 65,536 characters; keep a margin. */
export const COMMENT_LIMIT = 60_000;

/** Per-workload tables in the job summary (the comment shows the renderer's default, the largest first). */
const SUMMARY_WORKLOAD_TABLES = 500;

/** The diff with its workloads ordered by how much their monthly cost moves, largest first. */
export function largestChangesFirst(diff: CostDiff): CostDiff {
  const size = (w: CostDiff['workloads'][number]) => Math.abs(w.differenceUSD ?? 0);
  return { ...diff, workloads: [...diff.workloads].sort((a, b) => size(b) - size(a)) };
}

/**
 * The comment text within {@link COMMENT_LIMIT}: the report as rendered, else with fewer warnings (they grow with
 * the repository), then fewer workload tables, with a note that the job summary has everything; the headline
 * and the platform totals always cover every workload.
 */
export function fitComment(diff: CostDiff, options: CommentOptions, limit = COMMENT_LIMIT): string {
  const warnings = options.warnings ?? [];
  const note = (shown: number) =>
    `Showing ${shown} of ${warnings.length} warnings and fewer workload tables to fit in a comment; the job summary has them all.`;
  const attempts: CommentOptions[] = [
    options,
    { ...options, warnings: [note(20), ...warnings.slice(0, 20)] },
    { ...options, warnings: [note(20), ...warnings.slice(0, 20)], maxWorkloadTables: 10 },
    { ...options, warnings: [note(0)], maxWorkloadTables: 0 },
  ];
  let text = '';
  for (const attempt of attempts) {
    text = renderMarkdownComment(diff, attempt);
    if (text.length <= limit) return text;
  }
  return `${text.slice(0, limit - 100)}\n\n…(cut to fit in a comment: the job summary has the whole report)\n`;
}

/** Whether the headline increase passes the threshold; a rise from nothing passes any percentage. */
export function exceedsThreshold(diff: CostDiff, threshold: IncreaseThreshold): boolean {
  const h = diff.headline;
  if (h.differenceUSD <= 0) return false;
  if (threshold.kind === 'amount') return h.differenceUSD > threshold.usd;
  return h.percent === null ? true : h.percent > threshold.percent;
}

function describeThreshold(threshold: IncreaseThreshold): string {
  return threshold.kind === 'amount' ? `$${threshold.usd} a month` : `${threshold.percent}%`;
}

/** Prices both revisions and decides what to say and whether to fail. */
export function planEstimate(inputs: Inputs, observed: Observed): Plan {
  const opts = estimateOptionsFrom(inputs);
  const head = priceCollected(observed.head, opts);
  const base = observed.base ? priceCollected(observed.base.files, opts) : estimate([], opts);
  const diff = diffReports(base, head);
  const h = diff.headline;

  const warnings = [
    ...head.errors.map((e) => `❌ \`${e.file}:${e.line}\`: ${e.message} (not priced)`),
    ...head.workloads.flatMap((w) =>
      w.warnings.map((text) => `${w.kind} ${w.name} (\`${w.source.file}\`): ${text}`),
    ),
  ];
  const assumptions = observed.base
    ? [
        ...head.assumptions,
        `Compared with ${shortRef(observed.base.ref)}: the changed spec files and the spec files beside them.`,
      ]
    : [...head.assumptions, 'No base revision to compare with: every matching spec file is priced as new.'];
  const options = {
    marker: COMMENT_MARKER,
    catalogDate: head.catalogDate,
    assumptions,
    warnings: [...new Set(warnings)],
  };
  const ordered = largestChangesFirst(diff);
  const markdown = renderMarkdownComment(ordered, { ...options, maxWorkloadTables: SUMMARY_WORKLOAD_TABLES });
  const comment = fitComment(ordered, options);

  const failures: string[] = [];
  if (head.errors.length === 1) failures.push(located(head.errors[0]!));
  else if (head.errors.length > 1) {
    failures.push(`${head.errors.length} spec errors: ${head.errors.map(located).join('; ')}`);
  }
  if (inputs.failOnIncrease && observed.base && exceedsThreshold(diff, inputs.failOnIncrease)) {
    const percent = formatPercent(h.percent);
    failures.push(
      `monthly cost rises by ${formatSignedUSD(h.differenceUSD)}${percent ? ` (${percent})` : ''}, ` +
        `more than the fail-on-increase threshold of ${describeThreshold(inputs.failOnIncrease)}`,
    );
  }

  const report: JsonReport = observed.base
    ? { ...head, base: { ref: observed.base.ref, report: base }, diff }
    : { ...head, diff };
  return {
    report,
    diff,
    markdown,
    comment,
    outputs: {
      'monthly-cost': money(h.afterUSD),
      'monthly-cost-base': observed.base ? money(h.beforeUSD) : '',
      diff: observed.base ? money(h.differenceUSD) : '',
      'diff-percent': observed.base && h.percent !== null ? h.percent.toFixed(1) : '',
    },
    failures,
  };
}
