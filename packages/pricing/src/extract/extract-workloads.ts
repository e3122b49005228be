/**
 * Deploy spec files → workloads with their effective resources. Pure: the files arrive as text, nothing is read
 * from disk, no clock, no environment.
 *
 * Per file: a Helm template is refused (render it first); a kustomization is recorded for the caller; JSON and
 * YAML are read into documents (a `kind: List` is unwrapped into its items); a syntax error costs that file (JSON)
 * or that document (YAML), never the other files. Autoscalers, claims and Deployments are indexed across all
 * files; every workload is built (as its file is read, or at the end when it refers to a claim or a Deployment),
 * and each scalable workload takes its replica range from the HPA that targets it. A document that cannot be
 * priced as written becomes a SpecError at the offending field's line.
 */
import type { ExtractResult, KustomizationRef, SpecError, Workload } from '../types.js';
import { applyAutoscaler, readAutoscaler } from './autoscalers.js';
import type { Autoscaler } from './autoscalers.js';
import { buildCloudRunJob, buildCloudRunService } from './cloud-run.js';
import { asTaskDefinition, buildEcsWorkload } from './ecs-task-definition.js';
import {
  chartDirectories,
  firstActionLine,
  HELM_MESSAGE,
  helmActionLine,
  isUnderChartTemplates,
} from './helm.js';
import { isKustomizationDoc, isKustomizationPath, readKustomization } from './kustomization.js';
import { buildKubeWorkload, claimSize } from './kubernetes-workloads.js';
import type { ClaimInfo, KubeContext, KubeKind, Lookup } from './kubernetes-workloads.js';
import { NamespacedIndex } from './namespaced-index.js';
import { readDocuments } from './read-documents.js';
import type { RunOptions } from './run-schedule.js';
import { FieldError, isObj } from './source-doc.js';
import type { Obj, Path, SourceDoc } from './source-doc.js';

/** One spec file: its path as the caller names it (used in messages) and its text. */
export interface SpecFile {
  path: string;
  text: string;
}

/** Usage inputs for batch workloads. */
export interface ExtractOptions {
  /**
   * Seconds one run (one pod or task) of a Job, CronJob or Cloud Run job lasts, when its spec has no
   * `slipway.dev/run-duration` annotation. Default 60 s (Fargate's minimum charge for a Linux task).
   */
  runDurationSeconds?: number;
  /**
   * Runs a month of a Job or Cloud Run job (CronJobs follow their schedule), when its spec has no
   * `slipway.dev/runs-per-month` annotation. Default 1.
   */
  runsPerMonth?: number;
}

const KUBE_KINDS = new Set<string>([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Pod',
  'Job',
  'CronJob',
]);
const SCALABLE_KINDS = new Set<string>([
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'Rollout',
]);

type Build =
  | { type: 'kube'; kind: KubeKind }
  | { type: 'ecs'; path: Path }
  | { type: 'cloud-run-service' }
  | { type: 'cloud-run-job' };

interface Pending {
  doc: SourceDoc;
  obj: Obj;
  build: Build;
}

/** A workload built, or the error building gave. */
type Built = { workload: Workload; kind: string | null } | { error: SpecError };

/** A document built as its file was read, or set aside until every file is read. In document order. */
type Entry = Built | { deferred: Pending };

/** Thrown by the lookups of the first pass: this document needs the other files' claims or Deployments. */
const NEEDS_ALL_FILES: unique symbol = Symbol('needs all files');

/** Stands for an index that is not complete yet: any lookup defers the document to the second pass. */
const NOT_YET: Lookup<never> = {
  find(): never {
    throw NEEDS_ALL_FILES;
  },
};

/**
 * Reads every file and returns the workloads they define, the errors (file, line, message) of the ones that
 * could not be read, and the count of documents that hold no compute. See the module comment for the rules.
 *
 * Each document is built as soon as its file is read, so a file's parsed documents are garbage as soon as the
 * next file starts; only a document that looks up claims or Deployments (which may sit in a later file) waits
 * for the end. Autoscalers are applied at the end. Workloads, errors and kustomizations come out in the order a
 * read-everything-first pass gives: read errors, then autoscaler errors, then build errors, each in file order.
 * @throws RangeError when an option is out of range (a caller's mistake, not a spec's).
 */
export function extractWorkloads(files: SpecFile[], opts: ExtractOptions = {}): ExtractResult {
  const options = resolveOptions(opts);
  const result: ExtractResult = { workloads: [], errors: [], skipped: 0, kustomizations: [] };
  const autoscalerErrors: SpecError[] = [];
  const docKustomizations: KustomizationRef[] = [];
  const autoscalers = new NamespacedIndex<Autoscaler>();
  const claims = new NamespacedIndex<ClaimInfo>();
  const deployments = new NamespacedIndex<Obj>();
  const early: KubeContext = { options, claims: NOT_YET, deployments: NOT_YET };
  const entries: Entry[] = [];
  const owned = new Map<string, string>();

  const take = (doc: SourceDoc): void => {
    const value = doc.value;
    if (!isObj(value)) {
      result.skipped++;
      return;
    }
    const taskDefinition = asTaskDefinition(value);
    if (taskDefinition !== null) {
      entries.push(
        buildEarly(
          { doc, obj: taskDefinition.def, build: { type: 'ecs', path: taskDefinition.path } },
          early,
          owned,
        ),
      );
      return;
    }
    const kind = value.kind;
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
    if (isKustomizationDoc(value)) {
      docKustomizations.push(readKustomization(doc.file, value));
    } else if (kind === 'Service' && apiVersion.startsWith('serving.knative.dev/')) {
      entries.push(buildEarly({ doc, obj: value, build: { type: 'cloud-run-service' } }, early, owned));
    } else if (kind === 'Job' && apiVersion.startsWith('run.googleapis.com/')) {
      entries.push(buildEarly({ doc, obj: value, build: { type: 'cloud-run-job' } }, early, owned));
    } else if (kind === 'Rollout' && apiVersion.startsWith('argoproj.io/')) {
      entries.push(buildEarly({ doc, obj: value, build: { type: 'kube', kind: 'Rollout' } }, early, owned));
    } else if (typeof kind === 'string' && KUBE_KINDS.has(kind)) {
      entries.push(
        buildEarly({ doc, obj: value, build: { type: 'kube', kind: kind as KubeKind } }, early, owned),
      );
      if (kind === 'Deployment') {
        const meta = isObj(value.metadata) ? value.metadata : {};
        if (typeof meta.name === 'string') deployments.add(stringOrNull(meta.namespace), meta.name, value);
      }
    } else {
      result.skipped++;
      if (kind === 'HorizontalPodAutoscaler') indexAutoscaler(doc, value, autoscalers, autoscalerErrors);
      else if (kind === 'PersistentVolumeClaim') indexClaim(value, claims);
    }
  };
  readAll(files, result, take);

  const context: KubeContext = { options, claims, deployments };
  result.errors.push(...autoscalerErrors);
  result.kustomizations.push(...docKustomizations);
  for (const entry of entries) {
    const built = 'deferred' in entry ? build(entry.deferred, context, owned) : entry;
    if ('error' in built) {
      result.errors.push(built.error);
      continue;
    }
    if (built.kind !== null) applyAutoscaler(built.workload, built.kind, autoscalers);
    result.workloads.push(built.workload);
  }
  return result;
}

// One document's workload, built while its file is being read; `deferred` when it looks up another document.
function buildEarly(pending: Pending, early: KubeContext, owned: Map<string, string>): Entry {
  try {
    return build(pending, early, owned);
  } catch (error) {
    if (error === NEEDS_ALL_FILES) return { deferred: pending };
    throw error;
  }
}

// One document's workload, or its error.
function build(pending: Pending, context: KubeContext, owned: Map<string, string>): Built {
  const { doc, obj, build } = pending;
  let workload: Workload;
  try {
    if (build.type === 'kube') workload = buildKubeWorkload(doc, obj, build.kind, context);
    else if (build.type === 'ecs') workload = buildEcsWorkload(doc, obj, build.path);
    else if (build.type === 'cloud-run-service') workload = buildCloudRunService(doc, obj);
    else workload = buildCloudRunJob(doc, obj, context.options);
  } catch (error) {
    if (error === NEEDS_ALL_FILES) throw error;
    return { error: specError(doc, obj, build, error) };
  }
  detach(workload, owned);
  return { workload, kind: build.type === 'kube' && SCALABLE_KINDS.has(build.kind) ? build.kind : null };
}

/**
 * Lets a workload outlive its file's parsed documents without keeping anything else of them alive, and makes it
 * small: it lives until it is priced, and the garbage collector copies everything that lives that long.
 * - js-yaml parses a copy of each file's text, and V8 keeps a string cut out of a longer one (13 characters or
 *   more) as a view into it: one kept `serving.knative.dev/v1` would keep that whole copy. Texts the workload
 *   keeps get their own copy, one per distinct text (which also joins up template-literal warnings).
 * - Lists filled by `push` keep room for 16 or more items: keep exactly what they hold.
 */
function detach(workload: Workload, owned: Map<string, string>): void {
  workload.apiVersion = own(workload.apiVersion, owned);
  workload.name = own(workload.name, owned);
  if (workload.namespace !== null) workload.namespace = own(workload.namespace, owned);
  for (const container of workload.containers) container.name = own(container.name, owned);
  if (workload.schedule !== null) workload.schedule.assumption = own(workload.schedule.assumption, owned);
  if (workload.cloudRun !== null && workload.cloudRun.region !== null)
    workload.cloudRun.region = own(workload.cloudRun.region, owned);
  if (workload.containers.length > 0) workload.containers = workload.containers.slice();
  if (workload.warnings.length > 0) workload.warnings = workload.warnings.map((w) => own(w, owned));
}

function own(text: string, owned: Map<string, string>): string {
  if (text.length < 13) return text;
  let copy = owned.get(text);
  if (copy === undefined) {
    // Concatenating and cutting makes a new string of the text's own: the view it gives points into a copy
    // of just this text, not into the file.
    copy = (text + ' ').slice(0, -1);
    owned.set(copy, copy);
  }
  return copy;
}

// Reads every file in order and hands each document to `take`; Helm templates, kustomization files and syntax
// errors go straight to `result`.
function readAll(files: SpecFile[], result: ExtractResult, take: (doc: SourceDoc) => void): void {
  const chartDirs = chartDirectories(files.map((f) => f.path));
  for (const { path, text } of files) {
    if (chartDirs.length > 0 && isUnderChartTemplates(path, chartDirs)) {
      result.errors.push({ file: path, line: firstActionLine(text) || 1, message: HELM_MESSAGE });
      continue;
    }
    const hasAction = text.includes('{{');
    const helmLine = hasAction ? helmActionLine(text) : 0;
    if (helmLine > 0) {
      result.errors.push({ file: path, line: helmLine, message: HELM_MESSAGE });
      continue;
    }
    const read = readDocuments(path, text);
    if (hasAction && read.errors.length > 0) {
      // Template actions that break the YAML: a template of some kind, most likely Helm's.
      result.errors.push({ file: path, line: firstActionLine(text), message: HELM_MESSAGE });
      continue;
    }
    for (const error of read.errors) result.errors.push(error);
    if (isKustomizationPath(path)) {
      const first = read.docs[0];
      if (first !== undefined && isObj(first.value))
        result.kustomizations.push(readKustomization(path, first.value));
      else if (read.errors.length === 0)
        result.errors.push({
          file: path,
          line: first?.line ?? 1,
          message: 'kustomization: expected a mapping',
        });
      continue;
    }
    for (const doc of read.docs) unwrapList(doc, take);
  }
}

// `kind: List` (and typed lists such as `DeploymentList`, whose items may leave out their kind) → its items,
// each with its own line.
function unwrapList(doc: SourceDoc, take: (doc: SourceDoc) => void): void {
  const value = doc.value;
  if (
    !isObj(value) ||
    typeof value.kind !== 'string' ||
    !value.kind.endsWith('List') ||
    !Array.isArray(value.items)
  ) {
    take(doc);
    return;
  }
  const itemKind = value.kind === 'List' ? undefined : value.kind.slice(0, -'List'.length);
  const lines = doc.itemLines(['items']);
  value.items.forEach((item, index) => {
    const typed =
      itemKind !== undefined && isObj(item) && item.kind === undefined
        ? { apiVersion: value.apiVersion, kind: itemKind, ...item }
        : item;
    take({
      file: doc.file,
      value: typed,
      line: lines[index] ?? doc.line,
      lineOf: (path) => doc.lineOf(['items', index, ...path]),
      itemLines: (path) => doc.itemLines(['items', index, ...path]),
    });
  });
}

function indexAutoscaler(
  doc: SourceDoc,
  value: Obj,
  index: NamespacedIndex<Autoscaler>,
  errors: SpecError[],
): void {
  try {
    const hpa = readAutoscaler(value);
    index.add(hpa.namespace, hpa.targetName, hpa);
  } catch (error) {
    errors.push(specError(doc, value, null, error));
  }
}

function indexClaim(value: Obj, index: NamespacedIndex<ClaimInfo>): void {
  const meta = isObj(value.metadata) ? value.metadata : {};
  if (typeof meta.name === 'string')
    index.add(stringOrNull(meta.namespace), meta.name, { storage: claimSize(value) });
}

function specError(doc: SourceDoc, obj: Obj, build: Build | null, error: unknown): SpecError {
  let label: string;
  if (build?.type === 'ecs') {
    label = `task definition${typeof obj.family === 'string' ? ` \`${obj.family}\`` : ''}`;
  } else {
    const meta = isObj(obj.metadata) ? obj.metadata : {};
    const kind = typeof obj.kind === 'string' ? obj.kind : 'object';
    label = `${kind}${typeof meta.name === 'string' ? ` \`${meta.name}\`` : ''}`;
  }
  if (error instanceof FieldError) {
    return { file: doc.file, line: doc.lineOf(error.path), message: `${label}: ${error.message}` };
  }
  // Not a spec problem but a gap in this reader: still one file's error, not a crash of the whole run.
  const message = error instanceof Error ? error.message : String(error);
  return { file: doc.file, line: doc.line, message: `${label}: could not be read (${message})` };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function resolveOptions(opts: ExtractOptions): RunOptions {
  const { runDurationSeconds, runsPerMonth } = opts;
  if (runDurationSeconds !== undefined && !(Number.isFinite(runDurationSeconds) && runDurationSeconds > 0)) {
    throw new RangeError(
      `runDurationSeconds must be a positive number of seconds, got ${String(runDurationSeconds)}`,
    );
  }
  if (runsPerMonth !== undefined && !(Number.isFinite(runsPerMonth) && runsPerMonth >= 0)) {
    throw new RangeError(`runsPerMonth must be a number ≥ 0, got ${String(runsPerMonth)}`);
  }
  return { runDurationSeconds: runDurationSeconds ?? null, runsPerMonth: runsPerMonth ?? null };
}
