/**
 * The work of estimate-cost once its inputs are known to be good: observe the change, plan the report, post the
 * comment, write outputs and the job summary. Loaded by main.ts only after every input has been checked.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectKustomize } from '@slipway/cli';
import { SummaryBuilder, annotate, group, log, setOutputs } from '@slipway/core';
import { renderTable } from '@slipway/pricing';
import { applyComment, isReadOnlyTokenError, planComment } from './comments.js';
import type { CommentResult } from './comments.js';
import type { RunContext } from './context.js';
import type { Inputs } from './inputs.js';
import type { Deps } from './main.js';
import { observe } from './observe.js';
import { planEstimate } from './plan.js';
import type { Plan } from './plan.js';

/** The JSON report's file name inside `RUNNER_TEMP`. */
export const REPORT_FILE = 'slipway-estimate.json';

// The runner refuses step summaries over 1 MiB.
const SUMMARY_LIMIT = 900 * 1024;

/** The revision to compare with: the input, the pull request's base, or on a push the commit before it. */
function baseRefOf(inputs: Inputs, ctx: RunContext): string | undefined {
  return inputs.baseRef ?? ctx.pullRequest?.baseSha ?? ctx.pushBefore;
}

/** Posts, updates or deletes the comment as `inputs.comment` says; a read-only token ends in a notice. */
async function comment(
  inputs: Inputs,
  ctx: RunContext,
  plan: Plan,
  deps: Deps,
): Promise<CommentResult | undefined> {
  const pr = ctx.pullRequest;
  if (inputs.comment === 'off') {
    log.info('comment: off; the report is in the job summary.');
    return undefined;
  }
  if (!pr) {
    log.info(
      `No pull request in this ${ctx.eventName || 'run'}: nothing to comment on; the report is in the job summary.`,
    );
    return undefined;
  }
  try {
    const api = await deps.comments({
      token: inputs.githubToken,
      owner: ctx.owner,
      repo: ctx.repo,
      issueNumber: pr.number,
    });
    const operations = planComment(inputs.comment, await api.list(), plan.comment);
    const result = await applyComment(api, operations);
    if (result.deleted.length > 0) log.info(`Deleted ${result.deleted.length} earlier estimate comment(s).`);
    if (operations.length === 0) log.info('The estimate comment already says this; left as it is.');
    else if (result.comment) log.info(`Estimate comment: ${result.comment.url}`);
    return result;
  } catch (e) {
    if (!isReadOnlyTokenError(e)) throw e;
    annotate(
      'notice',
      `Could not comment on pull request #${pr.number}: the token cannot write to it (a fork, or no ` +
        '`pull-requests: write` permission). The estimate is in the job summary.',
      { title: 'estimate-cost' },
    );
    return undefined;
  }
}

/** Outputs, the JSON report file and the job summary. */
async function report(ctx: RunContext, plan: Plan, commented: CommentResult | undefined): Promise<void> {
  const reportPath = join(ctx.runnerTemp, REPORT_FILE);
  await writeFile(reportPath, `${JSON.stringify(plan.report, null, 2)}\n`, 'utf8');
  setOutputs({ ...plan.outputs, 'report-path': reportPath });
  const text = Buffer.byteLength(plan.markdown) > SUMMARY_LIMIT ? plan.comment : plan.markdown;
  const summary = new SummaryBuilder().raw(text.trim());
  if (commented?.comment) summary.paragraph(summary.link('Pull-request comment', commented.comment.url));
  await summary.write();
}

/**
 * Estimates the change in `cwd`, comments, and reports. The report goes out even when commenting fails; spec
 * errors and a cost rise past `fail-on-increase` are thrown after it.
 */
export async function estimateChange(
  inputs: Inputs,
  ctx: RunContext,
  cwd: string,
  deps: Deps,
): Promise<void> {
  const kustomize = await (deps.kustomize ?? detectKustomize)(ctx.path);
  const observed = await group('Spec files', () => observe(inputs, cwd, baseRefOf(inputs, ctx), kustomize));
  const plan = planEstimate(inputs, observed);
  await group('Estimate', () => {
    log.info(renderTable(plan.report).trimEnd());
    return Promise.resolve();
  });

  let commented: CommentResult | undefined;
  try {
    commented = await comment(inputs, ctx, plan, deps);
  } finally {
    await report(ctx, plan, commented);
  }
  if (plan.failures.length > 0) throw new Error(plan.failures.join('; '));
}
