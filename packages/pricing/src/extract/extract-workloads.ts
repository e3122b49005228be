/**
 * Deploy spec files → workloads with their effective resources. Pure: the files arrive as text, nothing is read
 * from disk, no clock, no environment.
 *
 * Per file: a Helm template is refused (render it first); a kustomization is recorded for the caller; JSON and
 * YAML are read into documents (a `kind: List` is unwrapped into its items); a syntax error costs that file (JSON)
 * or that document (YAML), never the other files. Then, across all files: autoscalers, claims and Deployments
 * are indexed, every workload is built, and each scalable workload takes its replica range from the HPA that
 * targets it. A document that cannot be priced as written becomes a SpecError at the offending field's line.
 */
import type { ExtractResult, SpecError, Workload } from '../types.js';
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
import type { ClaimInfo, KubeKind } from './kubernetes-workloads.js';
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

/**
 * Reads every file and returns the workloads they define, the errors (file, line, message) of the ones that
 * could not be read, and the count of documents that hold no compute. See the module comment for the rules.
 * @throws RangeError when an option is out of range (a caller's mistake, not a spec's).
 */
export function extractWorkloads(files: SpecFile[], opts: ExtractOptions = {}): ExtractResult {
  const options = resolveOptions(opts);
  const result: ExtractResult = { workloads: [], errors: [], skipped: 0, kustomizations: [] };
  const docs = readAll(files, result);

  const autoscalers = new NamespacedIndex<Autoscaler>();
  const claims = new NamespacedIndex<ClaimInfo>();
  const deployments = new NamespacedIndex<Obj>();
  const pending: Pending[] = [];
  for (const doc of docs) {
    const value = doc.value;
    if (!isObj(value)) {
      result.skipped++;
      continue;
    }
    const taskDefinition = asTaskDefinition(value);
    if (taskDefinition !== null) {
      pending.push({ doc, obj: taskDefinition.def, build: { type: 'ecs', path: taskDefinition.path } });
      continue;
    }
    const kind = value.kind;
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
    if (isKustomizationDoc(value)) {
      result.kustomizations.push(readKustomization(doc.file, value));
    } else if (kind === 'Service' && apiVersion.startsWith('serving.knative.dev/')) {
      pending.push({ doc, obj: value, build: { type: 'cloud-run-service' } });
    } else if (kind === 'Job' && apiVersion.startsWith('run.googleapis.com/')) {
      pending.push({ doc, obj: value, build: { type: 'cloud-run-job' } });
    } else if (kind === 'Rollout' && apiVersion.startsWith('argoproj.io/')) {
      pending.push({ doc, obj: value, build: { type: 'kube', kind: 'Rollout' } });
    } else if (typeof kind === 'string' && KUBE_KINDS.has(kind)) {
      pending.push({ doc, obj: value, build: { type: 'kube', kind: kind as KubeKind } });
      if (kind === 'Deployment') {
        const meta = isObj(value.metadata) ? value.metadata : {};
        if (typeof meta.name === 'string') deployments.add(stringOrNull(meta.namespace), meta.name, value);
      }
    } else {
      result.skipped++;
      if (kind === 'HorizontalPodAutoscaler') indexAutoscaler(doc, value, autoscalers, result.errors);
      else if (kind === 'PersistentVolumeClaim') indexClaim(value, claims);
    }
  }

  const context = { options, claims, deployments };
  for (const { doc, obj, build } of pending) {
    let workload: Workload;
    try {
      if (build.type === 'kube') workload = buildKubeWorkload(doc, obj, build.kind, context);
      else if (build.type === 'ecs') workload = buildEcsWorkload(doc, obj, build.path);
      else if (build.type === 'cloud-run-service') workload = buildCloudRunService(doc, obj);
      else workload = buildCloudRunJob(doc, obj, options);
    } catch (error) {
      result.errors.push(specError(doc, obj, build, error));
      continue;
    }
    if (build.type === 'kube' && SCALABLE_KINDS.has(build.kind))
      applyAutoscaler(workload, build.kind, autoscalers);
    result.workloads.push(workload);
  }
  return result;
}

// Every file's documents, in order; Helm templates, kustomizations and syntax errors go straight to `result`.
function readAll(files: SpecFile[], result: ExtractResult): SourceDoc[] {
  const docs: SourceDoc[] = [];
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
    result.errors.push(...read.errors);
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
    for (const doc of read.docs) unwrapList(doc, docs);
  }
  return docs;
}

// `kind: List` (and typed lists such as `DeploymentList`, whose items may leave out their kind) → its items,
// each with its own line.
function unwrapList(doc: SourceDoc, out: SourceDoc[]): void {
  const value = doc.value;
  if (
    !isObj(value) ||
    typeof value.kind !== 'string' ||
    !value.kind.endsWith('List') ||
    !Array.isArray(value.items)
  ) {
    out.push(doc);
    return;
  }
  const itemKind = value.kind === 'List' ? undefined : value.kind.slice(0, -'List'.length);
  const lines = doc.itemLines(['items']);
  value.items.forEach((item, index) => {
    const typed =
      itemKind !== undefined && isObj(item) && item.kind === undefined
        ? { apiVersion: value.apiVersion, kind: itemKind, ...item }
        : item;
    out.push({
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
