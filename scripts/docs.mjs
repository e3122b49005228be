#!/usr/bin/env node
// Regenerates the Inputs and Outputs tables of every actions/<name>/README.md from its action.yml, so the
// README can never disagree with the contract. Tables live between marker comments; everything else in the
// README is the author's. A missing README gets a skeleton; a README without markers gets the sections
// appended. Output goes through Prettier with the repo's config so `prettier --check` and `--check` agree.
//
//   node scripts/docs.mjs           write what changed
//   node scripts/docs.mjs --check   write nothing; exit 1 and list the files that would change
//   --root DIR                      work on DIR/actions/* instead of this repository's (for tests)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { parse } from 'yaml';

/** Repository root (the parent of scripts/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Marker pairs that fence each generated section. */
export const MARKERS = {
  inputs: { start: '<!-- slipway:inputs -->', end: '<!-- /slipway:inputs -->', heading: '## Inputs' },
  outputs: { start: '<!-- slipway:outputs -->', end: '<!-- /slipway:outputs -->', heading: '## Outputs' },
};

function isRecord(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Makes text safe inside one Markdown table cell: no pipes breaking columns, no raw newlines. */
function cell(text) {
  return String(text).trim().replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Renders a value as inline code, widening the fence when the value itself holds backticks. */
function code(value) {
  const text = String(value);
  if (text === '') return '`""`';
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Renders the inputs table (input, required, default, description) for action.yml `inputs`.
 * @param {Record<string, unknown> | undefined} inputs
 * @returns {string}
 */
export function renderInputsTable(inputs) {
  const entries = isRecord(inputs) ? Object.entries(inputs) : [];
  if (entries.length === 0) return '_This action has no inputs._';
  const rows = entries.map(([name, raw]) => {
    const spec = isRecord(raw) ? raw : {};
    const required = spec.required === true || spec.required === 'true' ? 'yes' : 'no';
    const fallback = spec.default === undefined || spec.default === null ? '' : cell(code(spec.default));
    return `| ${code(name)} | ${required} | ${fallback} | ${cell(spec.description ?? '')} |`;
  });
  return ['| Input | Required | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * Renders the outputs table (output, description) for action.yml `outputs`.
 * @param {Record<string, unknown> | undefined} outputs
 * @returns {string}
 */
export function renderOutputsTable(outputs) {
  const entries = isRecord(outputs) ? Object.entries(outputs) : [];
  if (entries.length === 0) return '_This action has no outputs._';
  const rows = entries.map(([name, raw]) => {
    const spec = isRecord(raw) ? raw : {};
    return `| ${code(name)} | ${cell(spec.description ?? '')} |`;
  });
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n');
}

function fenced(kind, body) {
  const { start, end } = MARKERS[kind];
  return `${start}\n\n${body}\n\n${end}`;
}

/**
 * A README for an action that has none: title, description and both marked sections.
 * @param {string} actionName folder name, used when action.yml has no `name`
 * @param {Record<string, unknown>} manifest parsed action.yml
 * @returns {string}
 */
export function renderSkeleton(actionName, manifest) {
  const title = typeof manifest.name === 'string' && manifest.name.trim() !== '' ? manifest.name : actionName;
  const description = typeof manifest.description === 'string' ? manifest.description.trim() : '';
  return [
    `# ${title}`,
    description,
    MARKERS.inputs.heading,
    fenced('inputs', renderInputsTable(manifest.inputs)),
    MARKERS.outputs.heading,
    fenced('outputs', renderOutputsTable(manifest.outputs)),
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}

/**
 * Replaces the body between one marker pair, or appends a headed section when the README has none.
 * @throws {Error} when markers are duplicated or out of order (a hand edit gone wrong, not guessable).
 */
function replaceSection(text, kind, body, file) {
  const { start, end, heading } = MARKERS[kind];
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 && to < 0) return `${text.trimEnd()}\n\n${heading}\n\n${fenced(kind, body)}\n`;
  if (
    from < 0 ||
    to < 0 ||
    to < from ||
    text.indexOf(start, from + 1) >= 0 ||
    text.indexOf(end, to + 1) >= 0
  ) {
    throw new Error(`${file}: expected exactly one ${start} followed by one ${end}`);
  }
  return text.slice(0, from) + fenced(kind, body) + text.slice(to + end.length);
}

/**
 * The README text docs.mjs wants for one action, formatted with Prettier as configured for `readmePath`.
 * @param {string} actionName
 * @param {Record<string, unknown>} manifest parsed action.yml
 * @param {string | undefined} current the README's text, or undefined when there is none
 * @param {string} readmePath where the README lives (for error messages and Prettier's config lookup)
 * @returns {Promise<string>}
 */
export async function renderReadme(actionName, manifest, current, readmePath) {
  let text = current ?? renderSkeleton(actionName, manifest);
  text = replaceSection(text, 'inputs', renderInputsTable(manifest.inputs), readmePath);
  text = replaceSection(text, 'outputs', renderOutputsTable(manifest.outputs), readmePath);
  const config = (await prettier.resolveConfig(readmePath)) ?? {};
  return prettier.format(text, { ...config, filepath: readmePath });
}

/** `<root>/actions/<name>` folders with an action.yml or action.yaml, sorted. */
function actionDirs(root) {
  const actions = join(root, 'actions');
  if (!existsSync(actions)) return [];
  return readdirSync(actions, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(actions, d.name))
    .filter((dir) => existsSync(join(dir, 'action.yml')) || existsSync(join(dir, 'action.yaml')))
    .sort();
}

/**
 * Regenerates (or, with `check`, only compares) every action README under `root`.
 * @param {{ root?: string, check?: boolean }} [options]
 * @returns {Promise<{ actions: string[], drifted: string[], written: string[] }>} README paths relative to root:
 *   `drifted` differ from what would be generated; `written` were updated (always empty in check mode).
 */
export async function generateDocs({ root = REPO_ROOT, check = false } = {}) {
  const result = { actions: [], drifted: [], written: [] };
  for (const dir of actionDirs(root)) {
    const manifestPath = existsSync(join(dir, 'action.yml'))
      ? join(dir, 'action.yml')
      : join(dir, 'action.yaml');
    let manifest;
    try {
      manifest = parse(readFileSync(manifestPath, 'utf8'));
    } catch (e) {
      throw new Error(`${relative(root, manifestPath)}: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
    if (!isRecord(manifest)) throw new Error(`${manifestPath}: not a YAML mapping`);
    const readmePath = join(dir, 'README.md');
    const current = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : undefined;
    const wanted = await renderReadme(relative(join(root, 'actions'), dir), manifest, current, readmePath);
    const name = relative(root, readmePath);
    result.actions.push(relative(root, dir));
    if (wanted === current) continue;
    result.drifted.push(name);
    if (!check) {
      writeFileSync(readmePath, wanted);
      result.written.push(name);
    }
  }
  return result;
}

async function cli(argv) {
  const check = argv.includes('--check');
  const rootAt = argv.indexOf('--root');
  const root = rootAt >= 0 && argv[rootAt + 1] !== undefined ? resolve(argv[rootAt + 1]) : REPO_ROOT;
  const { actions, drifted, written } = await generateDocs({ root, check });
  if (check) {
    if (drifted.length > 0) {
      console.error(
        `docs drift: regenerate with \`npm run docs\`:\n${drifted.map((f) => `  ${f}`).join('\n')}`,
      );
      return 1;
    }
    console.log(`docs: ${actions.length} action README(s) up to date`);
    return 0;
  }
  console.log(
    written.length > 0 ? `docs: updated\n${written.map((f) => `  ${f}`).join('\n')}` : 'docs: no changes',
  );
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
