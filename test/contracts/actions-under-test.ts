// The set of actions every contract test runs over: each shipped `actions/<name>` that has an action.yml,
// plus the harness fixture so no contract test can pass vacuously while the catalogue is still empty.
// A manifest that cannot be read is kept with its error, so one broken action.yml fails its own tests with
// the file named instead of crashing every suite at collection time.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  FIXTURE_ACTION_DIR,
  findManifestFile,
  listActionDirs,
  readActionManifest,
} from '../harness/action-manifest.js';
import type { ActionManifest } from '../harness/action-manifest.js';

/** One action under contract: a display name for test titles, its folder, and its manifest or read error. */
export interface ActionUnderTest {
  name: string;
  dir: string;
  /** Path of action.yml. */
  file: string;
  /** The manifest's raw text. */
  text: string;
  manifest?: ActionManifest;
  /** Why the manifest could not be read (invalid YAML, no `runs.using`, …). */
  error?: string;
}

/** A read manifest, for tests that need one. */
export interface ReadAction extends ActionUnderTest {
  manifest: ActionManifest;
}

function load(name: string, dir: string): ActionUnderTest {
  const file = findManifestFile(dir) ?? `${dir}/action.yml`;
  const text = readFileSync(file, 'utf8');
  try {
    return { name, dir, file, text, manifest: readActionManifest(dir) };
  } catch (e) {
    return { name, dir, file, text, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Shipped actions (`actions/*` with an action.yml), sorted by name. */
export function shippedActions(): ActionUnderTest[] {
  return listActionDirs().map((dir) => load(basename(dir), dir));
}

/** Shipped actions plus the harness fixture. */
export function actionsUnderTest(): ActionUnderTest[] {
  return [...shippedActions(), load('fixture-action', FIXTURE_ACTION_DIR)];
}

/** Only the actions whose manifest could be read; the others fail the "is readable" test instead. */
export function readActions(actions: ActionUnderTest[] = actionsUnderTest()): ReadAction[] {
  return actions.filter((a): a is ReadAction => a.manifest !== undefined);
}
