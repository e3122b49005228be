/**
 * `slipway estimate`: collect spec files, extract workloads, price them, print the table or the JSON report;
 * with `--base`, do the same at a git revision and print the difference. Exit codes: 0 priced, 1 some file could
 * not be read as a spec (everything else is still priced and printed), 2 bad usage.
 */
import { isAbsolute, relative } from 'node:path';
import { diffReports, estimate, extractWorkloads, renderTable } from '@slipway/pricing';
import type { CostDiff, EstimateOptions, EstimateReport, Platform, SpecError } from '@slipway/pricing';
import { UsageError } from './args.js';
import type { EstimateCommand } from './args.js';
import { collectSpecs, expandPaths } from './collect.js';
import type { CollectResult } from './collect.js';
import { workingTree } from './file-tree.js';
import type { FileTree } from './file-tree.js';
import { GitError, gitTree } from './git.js';
import { detectKustomize } from './kustomize.js';
import type { KustomizeRunner } from './kustomize.js';
import { renderDiffText } from './render-diff.js';

/** Where a command reads and writes: injected so tests run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** `PATH`, to find kustomize. */
  path: string | undefined;
}

/** The report `--json` prints: the head's report, plus the base's and the difference when `--base` is given. */
export type JsonReport = EstimateReport & { base?: { ref: string; report: EstimateReport }; diff?: CostDiff };

/** The estimate options a command line asks for. */
export function estimateOptionsOf(
  cmd: Pick<EstimateCommand, 'region' | 'platforms' | 'freeTier' | 'requestsPerMonth' | 'requestSeconds'>,
): EstimateOptions {
  const opts: EstimateOptions = {};
  if (cmd.region !== undefined) opts.region = cmd.region;
  if (cmd.platforms !== undefined) opts.platforms = cmd.platforms as Platform[];
  if (cmd.freeTier) opts.freeTier = true;
  if (cmd.requestsPerMonth !== undefined || cmd.requestSeconds !== undefined) {
    opts.usage = {};
    if (cmd.requestsPerMonth !== undefined) opts.usage.requestsPerMonth = cmd.requestsPerMonth;
    if (cmd.requestSeconds !== undefined) opts.usage.requestSeconds = cmd.requestSeconds;
  }
  return opts;
}

/** Checks region and platforms by pricing nothing: the estimator throws one line for either mistake. */
export function checkEstimateOptions(opts: EstimateOptions): void {
  try {
    estimate([], opts);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Prices what `collected` holds: kustomization namespaces are applied, and collection problems join the
 * extractor's errors in the report.
 */
export function priceCollected(collected: CollectResult, opts: EstimateOptions): EstimateReport {
  const extracted = extractWorkloads(collected.files);
  for (const w of extracted.workloads) {
    const namespace = collected.namespaces[w.source.file];
    if (namespace !== undefined) w.namespace = namespace;
  }
  const errors: SpecError[] = [...collected.errors, ...extracted.errors].sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line,
  );
  return estimate({ ...extracted, errors }, opts);
}

async function collectFrom(tree: FileTree, paths: readonly string[], kustomize: KustomizeRunner | undefined) {
  const expanded = await expandPaths(tree, paths);
  const collected = await collectSpecs(tree, expanded, { kustomize });
  return { expanded, collected };
}

/** Runs `slipway estimate` and resolves with the exit code. */
export async function runEstimate(cmd: EstimateCommand, io: CliIo): Promise<number> {
  const opts = estimateOptionsOf(cmd);
  checkEstimateOptions(opts);
  const kustomize = await detectKustomize(io.path);

  // Paths are shown relative to where the command runs, however they were written.
  const paths = cmd.paths.map((p) => {
    const negated = p.startsWith('!');
    const bare = negated ? p.slice(1) : p;
    return isAbsolute(bare) ? `${negated ? '!' : ''}${relative(io.cwd, bare) || '.'}` : p;
  });
  const head = await collectFrom(workingTree(io.cwd), paths, kustomize);
  if (head.expanded.missing.length > 0) {
    throw new UsageError(`no such file or directory: ${head.expanded.missing.join(', ')}`);
  }
  const headReport = priceCollected(head.collected, opts);
  const explicit = new Set(head.expanded.explicit);
  for (const skip of head.collected.skipped) {
    if (explicit.has(skip.path))
      io.stderr(`slipway: skipped ${skip.path}: not a deploy spec (${describeSkip(skip.reason)})\n`);
  }

  let output: JsonReport = headReport;
  let diffText = '';
  if (cmd.base !== undefined) {
    let tree;
    try {
      tree = await gitTree(cmd.base, io.cwd);
    } catch (e) {
      if (e instanceof GitError) throw new UsageError(`--base: ${e.message}`);
      throw e;
    }
    try {
      const base = await collectFrom(tree, paths, kustomize);
      const baseReport = priceCollected(base.collected, opts);
      for (const e of baseReport.errors)
        io.stderr(`slipway: at ${cmd.base}: ${e.file}:${e.line}: ${e.message}\n`);
      const diff = diffReports(baseReport, headReport);
      output = { ...headReport, base: { ref: cmd.base, report: baseReport }, diff };
      diffText = renderDiffText(diff, cmd.base);
    } finally {
      await tree.dispose();
    }
  }

  if (cmd.json) io.stdout(`${JSON.stringify(output, null, 2)}\n`);
  else io.stdout(renderTable(headReport) + (diffText ? `\n${diffText}` : ''));
  for (const e of headReport.errors) io.stderr(`${e.file}:${e.line}: ${e.message}\n`);
  if (head.collected.files.length === 0 && headReport.errors.length === 0) {
    io.stderr(`slipway: no deploy specs found in ${cmd.paths.join(', ')}\n`);
  }
  return headReport.errors.length > 0 ? 1 : 0;
}

function describeSkip(reason: string): string {
  if (reason === 'workflow') return 'a GitHub workflow';
  if (reason === 'name') return 'tool configuration';
  return 'no apiVersion, kind or containerDefinitions';
}
