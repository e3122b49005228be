// Reads an action's action.yml into a small typed shape shared by the harness and the contract tests.
// Validation against GitHub's schema lives in the contract tests; this reader only checks what the
// harness itself depends on, so a malformed manifest fails with a message naming the file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Absolute path of the repository root (two levels above test/harness). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Source folder of the harness's own fixture action (never shipped, never bundled in place). */
export const FIXTURE_ACTION_DIR = join(REPO_ROOT, 'test', 'fixtures', 'fixture-action');

/** One entry of action.yml `inputs`. */
export interface ActionInputSpec {
  description?: string;
  required?: boolean;
  /** Kept as text: the runner hands every input to the action as a string. */
  default?: string;
  deprecationMessage?: string;
}

/** One entry of action.yml `outputs`. */
export interface ActionOutputSpec {
  description?: string;
  value?: string;
}

/** action.yml `runs` for any `using`; only node actions can be run by the harness. */
export interface ActionRunsSpec {
  using: string;
  main?: string;
  pre?: string;
  post?: string;
  'pre-if'?: string;
  'post-if'?: string;
}

/** The parts of action.yml the harness and the contract tests read. */
export interface ActionManifest {
  /** Folder that holds action.yml. */
  dir: string;
  /** Path of the manifest file that was read (action.yml or action.yaml). */
  file: string;
  /** The manifest's text, for tools that parse it themselves (the workflow parser). */
  text: string;
  name: string;
  description: string;
  inputs: Record<string, ActionInputSpec>;
  outputs: Record<string, ActionOutputSpec>;
  runs: ActionRunsSpec;
  branding?: { icon?: string; color?: string };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Finds the manifest file of an action folder; the runner accepts both spellings. */
export function findManifestFile(actionDir: string): string | undefined {
  return ['action.yml', 'action.yaml'].map((f) => join(actionDir, f)).find((f) => existsSync(f));
}

function readInputSpecs(file: string, raw: unknown): Record<string, ActionInputSpec> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new Error(`${file}: 'inputs' must be a mapping`);
  const specs: Record<string, ActionInputSpec> = {};
  for (const [name, value] of Object.entries(raw)) {
    const spec = isRecord(value) ? value : {};
    const entry: ActionInputSpec = {};
    if (typeof spec.description === 'string') entry.description = spec.description;
    if (spec.required !== undefined) entry.required = spec.required === true || spec.required === 'true';
    // YAML may type `default: 3` or `default: false`; the runner passes the scalar's text.
    if (spec.default !== undefined && spec.default !== null) entry.default = String(spec.default);
    if (typeof spec.deprecationMessage === 'string') entry.deprecationMessage = spec.deprecationMessage;
    specs[name] = entry;
  }
  return specs;
}

function readOutputSpecs(file: string, raw: unknown): Record<string, ActionOutputSpec> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new Error(`${file}: 'outputs' must be a mapping`);
  const specs: Record<string, ActionOutputSpec> = {};
  for (const [name, value] of Object.entries(raw)) {
    const spec = isRecord(value) ? value : {};
    const entry: ActionOutputSpec = {};
    if (typeof spec.description === 'string') entry.description = spec.description;
    if (typeof spec.value === 'string') entry.value = spec.value;
    specs[name] = entry;
  }
  return specs;
}

/**
 * Reads `<actionDir>/action.yml` (or `action.yaml`).
 * @throws Error naming the file when it is missing, not YAML, or lacks `runs.using`.
 */
export function readActionManifest(actionDir: string): ActionManifest {
  const file = findManifestFile(actionDir);
  if (file === undefined) throw new Error(`no action.yml in ${actionDir}`);
  const text = readFileSync(file, 'utf8');
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    // The YAML parser's message has the line and column but not the file.
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!isRecord(doc)) throw new Error(`${file}: not a YAML mapping`);
  const runs = doc.runs;
  if (!isRecord(runs) || typeof runs.using !== 'string') throw new Error(`${file}: 'runs.using' is missing`);
  const runsSpec: ActionRunsSpec = { using: runs.using };
  for (const key of ['main', 'pre', 'post', 'pre-if', 'post-if'] as const) {
    const value = runs[key];
    if (typeof value === 'string') runsSpec[key] = value;
  }
  const manifest: ActionManifest = {
    dir: actionDir,
    file,
    text,
    name: typeof doc.name === 'string' ? doc.name : '',
    description: typeof doc.description === 'string' ? doc.description : '',
    inputs: readInputSpecs(file, doc.inputs),
    outputs: readOutputSpecs(file, doc.outputs),
    runs: runsSpec,
  };
  if (isRecord(doc.branding)) {
    const { icon, color } = doc.branding;
    manifest.branding = {
      ...(typeof icon === 'string' ? { icon } : {}),
      ...(typeof color === 'string' ? { color } : {}),
    };
  }
  return manifest;
}

/** Lists `<root>/actions/<name>` folders that hold an action manifest, sorted by name. */
export function listActionDirs(root: string = REPO_ROOT): string[] {
  const actionsDir = join(root, 'actions');
  if (!existsSync(actionsDir)) return [];
  return readdirSync(actionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(actionsDir, d.name))
    .filter((dir) => findManifestFile(dir) !== undefined)
    .sort();
}
