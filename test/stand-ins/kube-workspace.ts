// A workspace for the deploy-eks and deploy-gke end-to-end tests (kept with the Kubernetes stand-in it feeds): the fixture manifests copied into a temporary
// directory, which tests then edit. Also small readers of the harness results.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/action-manifest.js';
import type { ActionRun } from '../harness/run-action.js';

/** The fixtures' folder. */
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'deploy-kube');

/** A temporary workspace holding a copy of the fixtures. */
export interface Workspace {
  dir: string;
  write(path: string, text: string): Promise<void>;
  remove(): Promise<void>;
}

/** Copies the fixtures into a fresh workspace. */
export async function fixtureWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-e2e-kube-'));
  await cp(FIXTURES, dir, { recursive: true });
  return {
    dir,
    write: (path, text) => writeFile(join(dir, path), text),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** One entry of the `applied` output. */
export interface AppliedEntry {
  kind: string;
  namespace: string | null;
  name: string;
  changed: boolean;
  action: string;
}

/** The `applied` output, parsed. */
export function appliedOf(run: ActionRun): AppliedEntry[] {
  const raw = run.outputs.applied;
  if (raw === undefined) throw new Error(`no applied output; log:\n${run.log}`);
  return JSON.parse(raw) as AppliedEntry[];
}

/** `kind/name → action` for compact assertions. */
export function actionsOf(run: ActionRun): Record<string, string> {
  return Object.fromEntries(appliedOf(run).map((a) => [`${a.kind}/${a.name}`, a.action]));
}

/** The error annotations' messages. */
export function errorsOf(run: ActionRun): string[] {
  return run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}

/** The warning annotations' messages. */
export function warningsOf(run: ActionRun): string[] {
  return run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
}
