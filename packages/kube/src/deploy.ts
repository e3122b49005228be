/**
 * The deploy both actions run once they have a connection: read and check every manifest, plan, validate every
 * object with a server-side dry run (so nothing is half-applied when one object is wrong), apply, wait for each
 * workload's rollout, and on failure explain it and roll Deployments back when asked.
 */
import { readFile } from 'node:fs/promises';
import { InputError, pollRollout, TimeoutError } from '@slipway/core';
import type { RolloutSnapshot } from '@slipway/core';
import { ApplyError, applyObject, applyObjects } from './apply.js';
import type { AppliedObject, PlannedObject } from './apply.js';
import type { KubeClient } from './client.js';
import { describeDiagnosis, diagnose } from './diagnose.js';
import type { Diagnosis } from './diagnose.js';
import { isUnknown, resourcesDefinedBy, splitApiVersion } from './discovery.js';
import type { Discovery } from './discovery.js';
import { ManifestError, ManifestsInvalidError } from './errors.js';
import { substituteImages } from './images.js';
import type { ImageOverride, ImageReplacement } from './images.js';
import { kustomizeBuild } from './kustomize.js';
import type { CommandRunner } from './kustomize.js';
import { displayPath, findManifests } from './manifest-files.js';
import { parseManifests } from './manifest-parse.js';
import { WorkloadObserver } from './observer.js';
import type { WorkloadOutcome } from './observer.js';
import { planDeploy } from './plan.js';
import type { DeployPlan, PlanSettings, ResolvedManifest } from './plan.js';
import { rollbackDeployment } from './rollback.js';
import type { RollbackResult } from './rollback.js';
import { describeRef } from './types.js';
import type { Manifest, ObjectRef, SourceLocation } from './types.js';

/** Where the deploy reports to; the actions implement it over @slipway/core's log and annotations. */
export interface DeployReporter {
  info(message: string): void;
  warning(message: string, where?: SourceLocation): void;
  error(message: string, where?: SourceLocation): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** Everything a deploy is told. */
export interface DeploySettings extends PlanSettings {
  manifests: string[];
  /** Directory the manifest paths are relative to. */
  workspace: string;
  images: ImageOverride[];
  dryRun: boolean;
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  rollback: boolean;
  forceConflicts: boolean;
}

/** The manifests, read and checked, before any cluster is contacted. */
export interface PreparedManifests {
  manifests: Manifest[];
  replacements: ImageReplacement[];
  unmatched: ImageOverride[];
  /** How many files (and kustomizations) were read. */
  sources: number;
}

/** One workload's rollout in the report. */
export interface RolloutReport {
  ref: ObjectRef;
  state: WorkloadOutcome['state'] | 'not waited';
  message: string;
}

/** One rollback in the report. */
export interface RollbackReport {
  ref: ObjectRef;
  result: RollbackResult;
  /** Where the rolled-back Deployment ended. */
  state?: WorkloadOutcome['state'];
  message?: string;
}

/** What a deploy did, for outputs and the job summary. */
export interface DeployReport {
  outcome: 'succeeded' | 'failed' | 'dry-run';
  namespace: string;
  applied: AppliedObject[];
  skipped: Array<{ ref: ObjectRef; reason: string }>;
  images: string[];
  replacements: ImageReplacement[];
  warnings: string[];
  rollouts: RolloutReport[];
  diagnoses: Diagnosis[];
  rollbacks: RollbackReport[];
  /** One line saying why the deploy failed. */
  failure?: string;
}

/** Hooks for tests and the actions. */
export interface DeployOptions {
  runner?: CommandRunner;
  /** PATH used to find kustomize. */
  path?: string;
}

function refOfManifest(m: Manifest): ObjectRef {
  const o = m.object;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: String(o.metadata.name),
    ...(o.metadata.namespace === undefined ? {} : { namespace: o.metadata.namespace }),
  };
}

function fail(reporter: DeployReporter, errors: ManifestError[]): never {
  for (const e of errors) reporter.error(e.problem, e.location);
  throw new ManifestsInvalidError(errors);
}

/**
 * Reads every manifest (files, directories, globs, kustomizations), parses and checks each object, and
 * substitutes images. Reports every problem with its file and line, then throws: no cluster is contacted with a
 * broken manifest set.
 */
export async function prepareManifests(
  settings: DeploySettings,
  reporter: DeployReporter,
  opts: DeployOptions = {},
): Promise<PreparedManifests> {
  const { sources, problems } = await findManifests(settings.manifests, settings.workspace);
  if (problems.length > 0)
    throw new InputError(problems.map((p) => ({ input: 'manifests', message: p.message })));
  const manifests: Manifest[] = [];
  const errors: ManifestError[] = [];
  for (const source of sources) {
    if (source.kind === 'file') {
      const parsed = parseManifests(
        await readFile(source.path, 'utf8'),
        displayPath(source.path, settings.workspace),
      );
      manifests.push(...parsed.manifests);
      errors.push(...parsed.errors);
    } else {
      const label = `${displayPath(source.dir, settings.workspace)} (kustomize build)`;
      try {
        const parsed = parseManifests(await kustomizeBuild(source.dir, opts.runner, opts.path), label);
        manifests.push(...parsed.manifests);
        errors.push(...parsed.errors);
      } catch (e) {
        errors.push(
          new ManifestError(
            { file: displayPath(source.dir, settings.workspace), line: 1 },
            e instanceof Error ? e.message : String(e),
          ),
        );
      }
    }
  }
  if (errors.length > 0) fail(reporter, errors);
  if (manifests.length === 0)
    throw new InputError([
      { input: 'manifests', message: `${settings.manifests.join(', ')} holds no Kubernetes object` },
    ]);
  const substituted = substituteImages(manifests, settings.images);
  for (const r of substituted.replacements)
    reporter.info(`${r.object} container ${r.container}: ${r.from} → ${r.to}`);
  for (const u of substituted.unmatched) {
    reporter.warning(
      `images: ${u.entry} matched no container in the manifests (looked for ${u.explicitName ?? u.repository})`,
    );
  }
  return {
    manifests: substituted.manifests,
    replacements: substituted.replacements,
    unmatched: substituted.unmatched,
    sources: sources.length,
  };
}

/** Asks discovery about every kind; unknown kinds are manifest errors (nothing is applied). */
async function resolveKinds(
  discovery: Discovery,
  manifests: Manifest[],
  reporter: DeployReporter,
): Promise<ResolvedManifest[]> {
  const defined = resourcesDefinedBy(
    manifests.filter((m) => m.object.kind === 'CustomResourceDefinition').map((m) => m.object),
  );
  const resolved: ResolvedManifest[] = [];
  const errors: ManifestError[] = [];
  for (const manifest of manifests) {
    const found = await discovery.resolve(manifest.object.apiVersion, manifest.object.kind);
    if (!isUnknown(found)) {
      resolved.push({ manifest, resource: found, namespaced: found.namespaced });
      continue;
    }
    const { group, version } = splitApiVersion(manifest.object.apiVersion);
    const byCrd = defined.find(
      (d) => d.group === group && d.version === version && d.kind === manifest.object.kind,
    );
    if (byCrd !== undefined) resolved.push({ manifest, resource: undefined, namespaced: byCrd.namespaced });
    else
      errors.push(
        new ManifestError(
          manifest.source,
          `${manifest.object.kind} ${String(manifest.object.metadata.name)}: ${found.message}`,
        ),
      );
  }
  if (errors.length > 0) fail(reporter, errors);
  return resolved;
}

/**
 * Server-side dry run of every object before anything is applied: schema errors (422), conflicts (409) and
 * refused namespaces show up for all objects at once. Objects in a namespace the same deploy creates, and custom
 * resources of a CRD it creates, cannot be checked yet and are left to the apply.
 */
async function validateAll(
  client: KubeClient,
  plan: DeployPlan,
  settings: DeploySettings,
  reporter: DeployReporter,
): Promise<AppliedObject[]> {
  const results: AppliedObject[] = [];
  const problems: ApplyError[] = [];
  const newNamespaces = new Set<string>();
  for (const item of plan.objects) {
    const object = item.manifest.object;
    if (item.resource === undefined) continue;
    if (object.metadata.namespace !== undefined && newNamespaces.has(object.metadata.namespace)) continue;
    try {
      const checked = await applyObject(client, item.manifest, item.resource, {
        dryRun: true,
        force: settings.forceConflicts,
      });
      results.push(checked);
      if (object.kind === 'Namespace' && checked.action === 'created')
        newNamespaces.add(String(object.metadata.name));
    } catch (e) {
      if (!(e instanceof ApplyError)) throw e;
      problems.push(e);
    }
  }
  if (problems.length > 0) {
    for (const p of problems) reporter.error(p.message, p.source);
    throw new Error(
      problems.length === 1
        ? `the API server refused ${problems[0]?.message ?? ''} (nothing was applied)`
        : `the API server refused ${problems.length} objects (nothing was applied): ${problems.map((p) => p.message).join('; ')}`,
    );
  }
  return results;
}

async function waitFor(
  client: KubeClient,
  workloads: PlannedObject[],
  applied: AppliedObject[],
  settings: DeploySettings,
  reporter: DeployReporter,
): Promise<{ outcomes: WorkloadOutcome[]; timedOut: boolean }> {
  const targets = workloads.flatMap((w) => {
    const a = applied.find((x) => describeRef(x.ref) === describeRef(refOfManifest(w.manifest)));
    const resource = w.resource;
    return a === undefined || resource === undefined ? [] : [{ ref: a.ref, resource }];
  });
  const observer = new WorkloadObserver(client, targets);
  let last = '';
  try {
    await pollRollout(observer, {
      timeoutMs: settings.timeoutMs,
      initialIntervalMs: settings.pollIntervalMs,
      maxIntervalMs: Math.max(settings.pollIntervalMs, 15_000),
      sleep: observer.sleep,
      now: () => client.clock.now(),
      onSnapshot: (s: RolloutSnapshot) => {
        for (const e of s.events) reporter.info(e);
        if (s.summary !== last && !s.done && !s.failed) reporter.info(s.summary);
        last = s.summary;
      },
      onError: (e: unknown) =>
        reporter.info(
          `Could not read the rollout (will retry): ${e instanceof Error ? e.message : String(e)}`,
        ),
    });
    return { outcomes: observer.outcomes(), timedOut: false };
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    return { outcomes: observer.outcomes(), timedOut: true };
  }
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Runs a deploy on a connected cluster: resolve kinds, plan, validate all, apply (or report the dry run), wait,
 * explain and roll back. Returns the report; the caller fails the step when `outcome` is `failed`.
 */
export async function deploy(
  client: KubeClient,
  discovery: Discovery,
  prepared: PreparedManifests,
  settings: DeploySettings,
  reporter: DeployReporter,
): Promise<DeployReport> {
  const report: DeployReport = {
    outcome: settings.dryRun ? 'dry-run' : 'succeeded',
    namespace: settings.namespace,
    applied: [],
    skipped: [],
    images: [],
    replacements: prepared.replacements,
    warnings: prepared.unmatched.map((u) => `images: ${u.entry} matched no container`),
    rollouts: [],
    diagnoses: [],
    rollbacks: [],
  };
  const plan = await reporter.group('Plan', async () => {
    const resolved = await resolveKinds(discovery, prepared.manifests, reporter);
    const planned = planDeploy(resolved, settings);
    if (planned.errors.length > 0) fail(reporter, planned.errors);
    for (const w of planned.warnings) reporter.warning(w);
    reporter.info(
      `${planned.objects.length} object${planned.objects.length === 1 ? '' : 's'} from ${prepared.sources} source${prepared.sources === 1 ? '' : 's'}, ` +
        `default namespace ${settings.namespace}, ${settings.platform.name}${settings.dryRun ? ' (dry run)' : ''}:`,
    );
    for (const o of planned.objects)
      reporter.info(
        `  ${describeRef(refOfManifest(o.manifest))} (${o.manifest.source.file}:${o.manifest.source.line})`,
      );
    return planned;
  });
  report.images = plan.images;
  report.warnings.push(...plan.warnings);

  const checked = await reporter.group(
    settings.dryRun ? 'Dry run (server-side)' : 'Validate (server-side dry run)',
    () => validateAll(client, plan, settings, reporter),
  );
  if (settings.dryRun) {
    report.applied = checked;
    for (const c of checked) {
      reporter.info(`${describeRef(c.ref)}: would be ${c.action}`);
      if (c.diff !== undefined && c.diff !== '') reporter.info(c.diff.trimEnd());
    }
    for (const o of plan.objects.filter(
      (p) => !checked.some((c) => describeRef(c.ref) === describeRef(refOfManifest(p.manifest))),
    )) {
      report.skipped.push({
        ref: refOfManifest(o.manifest),
        reason:
          'checked only when applied (its namespace or CustomResourceDefinition is created by this deploy)',
      });
    }
    return report;
  }

  try {
    await reporter.group('Apply', () =>
      applyObjects(client, discovery, plan.objects, {
        dryRun: false,
        force: settings.forceConflicts,
        onApplied: (a) => {
          // Kept as they come, so a refusal half-way still reports what was applied before it.
          report.applied.push(a);
          reporter.info(`${describeRef(a.ref)} ${a.action}`);
        },
      }),
    );
  } catch (e) {
    if (!(e instanceof ApplyError)) throw e;
    reporter.error(e.message, e.source);
    const rest = plan.objects.length - report.applied.length - 1;
    report.outcome = 'failed';
    report.failure = `the API server refused ${e.message}; ${report.applied.length} object(s) before it were applied${rest > 0 ? `, ${rest} after it were not` : ''}`;
    return report;
  }

  if (!settings.wait || plan.workloads.length === 0) {
    report.rollouts = plan.workloads.map((w) => ({
      ref: refOfManifest(w.manifest),
      state: 'not waited',
      message: settings.wait ? '' : 'wait: false',
    }));
    return report;
  }
  const { outcomes, timedOut } = await reporter.group('Rollout', () =>
    waitFor(client, plan.workloads, report.applied, settings, reporter),
  );
  report.rollouts = outcomes.map((o) => ({ ref: o.ref, state: o.state, message: o.message }));
  const bad = outcomes.filter((o) => o.state !== 'done');
  if (bad.length === 0) return report;

  report.outcome = 'failed';
  await reporter.group('Why the rollout failed', async () => {
    for (const o of bad) {
      if (o.object === undefined) continue;
      const d = await diagnose(client, o.object);
      report.diagnoses.push(d);
      for (const line of describeDiagnosis(d)) reporter.error(line);
      for (const e of d.events) reporter.info(`event: ${e}`);
      for (const a of d.adjustments) reporter.info(a);
    }
  });
  const reasons = bad.map(
    (o) =>
      `${describeRef(o.ref)}: ${o.state === 'progressing' ? `not rolled out (${o.message})` : o.message}`,
  );
  const explained = report.diagnoses.flatMap((d) =>
    d.problems.slice(0, 2).map((p) => `${describeRef(d.ref)}: ${p}`),
  );
  report.failure = `${timedOut ? `the rollout did not finish within ${formatDuration(settings.timeoutMs)}` : 'the rollout failed'}: ${[...reasons, ...explained].join('; ')}`;

  if (settings.rollback) {
    await reporter.group('Rollback', async () => {
      const rolled: PlannedObject[] = [];
      for (const o of bad) {
        const applied = report.applied.find((a) => describeRef(a.ref) === describeRef(o.ref));
        const planned = plan.workloads.find(
          (w) => describeRef(refOfManifest(w.manifest)) === describeRef(o.ref),
        );
        if (o.ref.kind !== 'Deployment' || applied === undefined || planned === undefined) {
          report.rollbacks.push({
            ref: o.ref,
            result: { rolledBack: false, reason: 'only Deployments are rolled back' },
          });
          continue;
        }
        if (applied.action !== 'configured') {
          report.rollbacks.push({
            ref: o.ref,
            result: {
              rolledBack: false,
              reason:
                applied.action === 'created'
                  ? 'it was created by this deploy: there is no previous revision'
                  : 'this deploy did not change it',
            },
          });
          continue;
        }
        const result = await rollbackDeployment(client, planned.manifest.object);
        report.rollbacks.push({ ref: o.ref, result });
        reporter.info(
          result.rolledBack
            ? `${describeRef(o.ref)}: rolling back from revision ${result.fromRevision} to revision ${result.toRevision} (${result.images.join(', ')})`
            : `${describeRef(o.ref)}: not rolled back: ${result.reason}`,
        );
        if (result.rolledBack) rolled.push(planned);
      }
      if (rolled.length === 0) return;
      const after = await waitFor(client, rolled, report.applied, settings, reporter);
      for (const o of after.outcomes) {
        const r = report.rollbacks.find((x) => describeRef(x.ref) === describeRef(o.ref));
        if (r !== undefined) {
          r.state = o.state;
          r.message = o.message;
        }
        reporter.info(
          `${describeRef(o.ref)}: rollback ${o.state === 'done' ? 'rolled out' : `${o.state}: ${o.message}`}`,
        );
      }
    });
    const restored = report.rollbacks.filter((r) => r.result.rolledBack && r.state === 'done');
    if (restored.length > 0) {
      report.failure += `; rolled back ${restored.map((r) => `${describeRef(r.ref)} to revision ${r.result.rolledBack ? r.result.toRevision : ''}`).join(', ')}`;
    }
  }
  return report;
}
