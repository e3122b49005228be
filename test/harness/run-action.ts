// Runs an action's committed bundle the way the GitHub runner does: action.yml defaults applied, INPUT_*
// names formed like the runner's, fresh file-command files per step, a hermetic environment, the post
// step fed STATE_* from what main saved, and the runner's workflow commands parsed out of the log.
// After every run it fails loudly if a masked value or a declared secret shows up in plain text.
//
//   const run = await runAction('actions/deploy-ecs', {
//     inputs: { 'aws-region': 'eu-west-1', cluster: 'prod' },
//     env: { AWS_ENDPOINT_URL_ECS: standIn.url, AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' },
//     secrets: ['secret'],
//   });
//   expect(run.exitCode).toBe(0); expect(run.outputs['task-definition-arn']).toMatch(/^arn:/);
//
// The bundle must be built (`npm run build`); give Jest a timeout above the action's own (default 60 s here).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { readActionManifest } from './action-manifest.js';
import type { ActionManifest } from './action-manifest.js';
import { parseKeyValueFile, parsePathFile } from './file-commands.js';
import { findLeaks, describeLeaks } from './leaks.js';
import type { Leak, LeakSource } from './leaks.js';
import { collectCommands } from './workflow-commands.js';
import type { Annotation } from './workflow-commands.js';

/** Token used for `${{ github.token }}` defaults when the test gives no GITHUB_TOKEN. */
export const FAKE_GITHUB_TOKEN = 'ghs_SlipwayHarnessFakeToken0000000000000';

/** What a test controls about one run. Everything has a runner-like default. */
export interface RunActionOptions {
  /** The step's `with:` map; names as in action.yml. Unknown names are an error. */
  inputs?: Record<string, string>;
  /** Extra environment, applied last. May not set INPUT_* or the file-command variables. */
  env?: Record<string, string>;
  /** The webhook payload written to GITHUB_EVENT_PATH; `{}` by default. */
  event?: object;
  /** GITHUB_EVENT_NAME; `push` by default. */
  eventName?: string;
  /** GITHUB_REPOSITORY as `owner/name`; `octo/repo` by default. */
  repository?: string;
  /** GITHUB_SHA; a fixed 40-hex value by default. */
  sha?: string;
  /** GITHUB_REF; `refs/heads/main` by default. */
  ref?: string;
  /** GITHUB_WORKSPACE and the step's cwd; a fresh temp dir (removed afterwards) by default. */
  workspace?: string;
  /**
   * Whether to run `runs.post`: `true` always (as the runner's default `post-if: always()`), `false`
   * never, `'auto'` (default) only when main saved state — which keeps main-only tests fast.
   */
  post?: boolean | 'auto';
  /**
   * Cancels main the way a cancelled workflow or a lost runner does: once `when()` holds (checked every 20 ms),
   * main's process group gets `signal` (default SIGINT, what the runner sends first; SIGKILL for a process
   * that gets no chance to clean up). The post step runs afterwards per `post`.
   */
  cancel?: { when: () => boolean; signal?: NodeJS.Signals };
  /** State handed to the post step on top of what main saved (these entries win). */
  state?: Record<string, string>;
  /** Per step; 60 s by default. On expiry the step's process group is killed and the run rejects. */
  timeoutMs?: number;
  /** Values that must never appear in the log, summary or outputs, masked or not. */
  secrets?: string[];
  /** Report leaks in `ActionRun.leaks` instead of throwing. Only for testing the leak check itself. */
  allowLeaks?: boolean;
}

/** Result of the post step. */
export interface PostRun {
  exitCode: number;
  log: string;
  annotations: Annotation[];
  summary: string;
}

/** Everything the runner would have seen from one run of an action. */
export interface ActionRun {
  exitCode: number;
  /** stdout and stderr interleaved line by line, in arrival order, unmasked. */
  log: string;
  stdout: string;
  stderr: string;
  /** From GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** From GITHUB_ENV. */
  env: Record<string, string>;
  /** From GITHUB_STATE. */
  state: Record<string, string>;
  /** From GITHUB_PATH, in the order written. */
  path: string[];
  /** Contents of GITHUB_STEP_SUMMARY. */
  summary: string;
  annotations: Annotation[];
  /** Values registered with `::add-mask::` by main (and post, when it ran). */
  masked: string[];
  post?: PostRun;
  /** Leaks found; always empty unless `allowLeaks` was set (otherwise the run throws). */
  leaks: Leak[];
}

// The runner fails the summary upload beyond this size; an action that writes more has a bug.
const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const FILE_COMMANDS = ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'];

/** The runner's environment variable name for an input: spaces to `_`, upper case, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** The messages of a run's error annotations (decoded), main's and then the post step's. */
export function errorMessages(run: ActionRun): string[] {
  return [...run.annotations, ...(run.post?.annotations ?? [])]
    .filter((a) => a.level === 'error')
    .map((a) => a.message);
}

/** The runner's environment variable name for a saved state entry in the post step. */
export function stateEnvName(name: string): string {
  return `STATE_${name}`;
}

function evaluateDefault(input: string, value: string, token: string): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_match, expr: string) => {
    if (expr === 'github.token') return token;
    throw new Error(
      `input '${input}': default expression \${{ ${expr} }} is not supported by the harness ` +
        `(only \${{ github.token }}); pass the input explicitly`,
    );
  });
}

/**
 * Computes the INPUT_* variables the runner would set: action.yml defaults (with `${{ github.token }}`
 * evaluated) overlaid by the given inputs. The runner only warns about unknown inputs; here they throw so
 * a typo in a test cannot pass silently.
 */
export function resolveInputEnv(
  manifest: ActionManifest,
  given: Record<string, string> = {},
  token: string = FAKE_GITHUB_TOKEN,
): Record<string, string> {
  const declared = Object.keys(manifest.inputs);
  // The runner matches input names case-insensitively.
  const known = new Set(declared.map((n) => n.toLowerCase()));
  const unexpected = Object.keys(given).filter((n) => !known.has(n.toLowerCase()));
  if (unexpected.length > 0) {
    throw new Error(
      `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${declared.join("', '")}'] ` +
        `(${manifest.file})`,
    );
  }
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.inputs)) {
    if (spec.default !== undefined) env[inputEnvName(name)] = evaluateDefault(name, spec.default, token);
  }
  for (const [name, value] of Object.entries(given)) env[inputEnvName(name)] = value;
  return env;
}

interface StepFiles {
  GITHUB_OUTPUT: string;
  GITHUB_ENV: string;
  GITHUB_STATE: string;
  GITHUB_PATH: string;
  GITHUB_STEP_SUMMARY: string;
}

async function createStepFiles(dir: string): Promise<StepFiles> {
  await mkdir(dir, { recursive: true });
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_PATH: join(dir, 'path'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
  };
  // The runner creates each file empty before the step starts.
  await Promise.all(Object.values(files).map((f) => writeFile(f, '')));
  return files;
}

interface StepOutcome {
  exitCode: number;
  lines: string[];
  stdout: string;
  stderr: string;
}

/** Spawns one step and gathers its output line by line so stdout and stderr interleave at line level. */
function runStep(
  script: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
  label: string,
  cancel?: RunActionOptions['cancel'],
): Promise<StepOutcome> {
  return new Promise((resolvePromise, reject) => {
    // Its own process group, so a timeout also kills anything the action spawned.
    const child = spawn(process.execPath, [script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const lines: string[] = [];
    const raw = { stdout: '', stderr: '' };
    const partial = { stdout: '', stderr: '' };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: string) => {
      raw[stream] += chunk;
      const pieces = (partial[stream] + chunk).split('\n');
      partial[stream] = pieces.pop() ?? '';
      for (const piece of pieces) lines.push(piece.replace(/\r$/, ''));
    };
    child.stdout.setEncoding('utf8').on('data', collect('stdout'));
    child.stderr.setEncoding('utf8').on('data', collect('stderr'));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone: the close handler reports what happened.
      }
    }, timeoutMs);
    const watcher =
      cancel === undefined
        ? undefined
        : setInterval(() => {
            if (!cancel.when()) return;
            clearInterval(watcher);
            try {
              if (child.pid !== undefined) process.kill(-child.pid, cancel.signal ?? 'SIGINT');
            } catch {
              // Already gone.
            }
          }, 20);
    child.on('error', (err) => {
      clearTimeout(timer);
      clearInterval(watcher);
      reject(new Error(`${label}: could not start ${process.execPath}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watcher);
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] !== '') lines.push(partial[stream].replace(/\r$/, ''));
      }
      if (timedOut) {
        const tail = lines.slice(-20).join('\n');
        reject(
          new Error(
            `${label} did not finish within ${timeoutMs} ms and was killed; last log lines:\n${tail}`,
          ),
        );
        return;
      }
      // A signal death is a failed step on the runner too; 128+n mirrors a shell's report.
      const exitCode = code ?? (signal ? 128 + signalNumber(signal) : 1);
      resolvePromise({ exitCode, lines, stdout: raw.stdout, stderr: raw.stderr });
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 0;
}

interface StepRead {
  outputs: Record<string, string>;
  env: Record<string, string>;
  state: Record<string, string>;
  path: string[];
  summary: string;
}

async function readStepFiles(files: StepFiles, label: string): Promise<StepRead> {
  const [output, env, state, path, summary] = await Promise.all(
    FILE_COMMANDS.map((name) => readFile(files[name as keyof StepFiles], 'utf8')),
  );
  if (Buffer.byteLength(summary ?? '') > SUMMARY_LIMIT_BYTES) {
    throw new Error(`${label}: GITHUB_STEP_SUMMARY exceeds the runner's 1024k limit`);
  }
  return {
    outputs: parseKeyValueFile(output ?? '', `${label} GITHUB_OUTPUT`),
    env: parseKeyValueFile(env ?? '', `${label} GITHUB_ENV`),
    state: parseKeyValueFile(state ?? '', `${label} GITHUB_STATE`),
    path: parsePathFile(path ?? ''),
    summary: summary ?? '',
  };
}

function checkNodeVersion(manifest: ActionManifest): void {
  const match = /^node(\d+)$/.exec(manifest.runs.using);
  if (!match) throw new Error(`${manifest.file}: runs.using '${manifest.runs.using}' is not a node action`);
  const running = Number(process.versions.node.split('.')[0]);
  if (running !== Number(match[1])) {
    throw new Error(
      `${manifest.file} runs on ${manifest.runs.using} but the harness is on Node ${process.versions.node}; ` +
        'run the tests with `npm test` (scripts/with-node24.mjs)',
    );
  }
}

function checkEnvOverrides(env: Record<string, string>): void {
  const owned = Object.keys(env).filter(
    (k) => FILE_COMMANDS.includes(k) || k.startsWith('INPUT_') || k.startsWith('STATE_'),
  );
  if (owned.length > 0) {
    throw new Error(
      `opts.env may not set ${owned.join(', ')}: use opts.inputs / opts.state, the harness owns the rest`,
    );
  }
}

function resolveScript(manifest: ActionManifest, entry: string | undefined, field: string): string {
  if (entry === undefined) throw new Error(`${manifest.file}: runs.${field} is missing`);
  const script = resolve(manifest.dir, entry);
  if (!existsSync(script)) {
    throw new Error(`${manifest.file}: runs.${field} ${entry} does not exist; run \`npm run build\` first`);
  }
  return script;
}

/**
 * Runs `actionDir`'s `runs.main` (and `runs.post` per `opts.post`) on this Node, as the runner would.
 * @throws Error on unknown inputs, unsupported default expressions, a missing bundle, a timeout, a
 *   malformed file command, or — unless `opts.allowLeaks` — a secret leaked into log, summary or outputs.
 */
export async function runAction(actionDir: string, opts: RunActionOptions = {}): Promise<ActionRun> {
  const manifest = readActionManifest(resolve(actionDir));
  checkNodeVersion(manifest);
  if (manifest.runs.pre !== undefined)
    throw new Error(`${manifest.file}: runs.pre is not supported by the harness`);
  const mainScript = resolveScript(manifest, manifest.runs.main, 'main');
  const extraEnv = opts.env ?? {};
  checkEnvOverrides(extraEnv);
  const token = extraEnv.GITHUB_TOKEN ?? FAKE_GITHUB_TOKEN;
  const inputEnv = resolveInputEnv(manifest, opts.inputs, token);
  const label = basename(manifest.dir);
  const timeoutMs = opts.timeoutMs ?? 60_000;

  const root = await mkdtemp(join(tmpdir(), 'slipway-run-'));
  try {
    const workspace = opts.workspace ?? join(root, 'workspace');
    const runnerTemp = join(root, 'runner-temp');
    const toolCache = join(root, 'tool-cache');
    await Promise.all([workspace, runnerTemp, toolCache].map((d) => mkdir(d, { recursive: true })));
    const eventPath = join(root, 'event.json');
    await writeFile(eventPath, JSON.stringify(opts.event ?? {}));
    const repository = opts.repository ?? 'octo/repo';
    const ref = opts.ref ?? 'refs/heads/main';

    const baseEnv: Record<string, string> = {
      ...(process.env.PATH !== undefined ? { PATH: process.env.PATH } : {}),
      ...(process.env.HOME !== undefined ? { HOME: process.env.HOME } : {}),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION: '__slipway_harness',
      GITHUB_ACTOR: 'octocat',
      GITHUB_JOB: 'test',
      GITHUB_WORKFLOW: 'harness',
      GITHUB_RUN_ID: '1000001',
      GITHUB_RUN_NUMBER: '1',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_REPOSITORY: repository,
      GITHUB_REPOSITORY_OWNER: repository.split('/')[0] ?? '',
      GITHUB_SHA: opts.sha ?? '0123456789abcdef0123456789abcdef01234567',
      GITHUB_REF: ref,
      GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags)\//, ''),
      GITHUB_EVENT_NAME: opts.eventName ?? 'push',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKSPACE: workspace,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'slipway-harness',
      RUNNER_TEMP: runnerTemp,
      RUNNER_TOOL_CACHE: toolCache,
      ...inputEnv,
      ...extraEnv,
    };

    const mainFiles = await createStepFiles(join(root, 'main'));
    const main = await runStep(
      mainScript,
      workspace,
      { ...baseEnv, ...mainFiles },
      timeoutMs,
      `${label} main`,
      opts.cancel,
    );
    const mainRead = await readStepFiles(mainFiles, `${label} main`);
    const mainCommands = collectCommands(main.lines);

    const run: ActionRun = {
      exitCode: main.exitCode,
      log: main.lines.join('\n'),
      stdout: main.stdout,
      stderr: main.stderr,
      ...mainRead,
      annotations: mainCommands.annotations,
      masked: [...mainCommands.masked],
      leaks: [],
    };
    const sources: LeakSource[] = [
      { where: 'log', lines: main.lines, skipLines: mainCommands.maskLines },
      { where: 'summary', lines: mainRead.summary.split('\n') },
      ...Object.entries(mainRead.outputs).map(([name, value]) => ({
        where: `output '${name}'`,
        lines: value.split('\n'),
      })),
    ];

    const wantPost = opts.post ?? 'auto';
    const runPost =
      manifest.runs.post !== undefined &&
      (wantPost === true || (wantPost === 'auto' && Object.keys(mainRead.state).length > 0));
    if (runPost) {
      const postScript = resolveScript(manifest, manifest.runs.post, 'post');
      const state = { ...mainRead.state, ...(opts.state ?? {}) };
      const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [stateEnvName(k), v]));
      // GITHUB_ENV and GITHUB_PATH written by main apply to every later step of the job, post included.
      const pathEnv = [...mainRead.path]
        .reverse()
        .concat(baseEnv.PATH ?? [])
        .join(':');
      const postFiles = await createStepFiles(join(root, 'post'));
      const postEnv = { ...baseEnv, ...mainRead.env, PATH: pathEnv, ...stateEnv, ...postFiles };
      const post = await runStep(postScript, workspace, postEnv, timeoutMs, `${label} post`);
      const postRead = await readStepFiles(postFiles, `${label} post`);
      const postCommands = collectCommands(post.lines);
      run.post = {
        exitCode: post.exitCode,
        log: post.lines.join('\n'),
        annotations: postCommands.annotations,
        summary: postRead.summary,
      };
      run.masked.push(...postCommands.masked);
      sources.push(
        { where: 'post log', lines: post.lines, skipLines: postCommands.maskLines },
        { where: 'post summary', lines: postRead.summary.split('\n') },
      );
    }

    // The runner treats a token default as a secret, so the harness does too.
    const usesToken = Object.values(inputEnv).some((v) => v.includes(token));
    const secrets = [...run.masked, ...(opts.secrets ?? []), ...(usesToken ? [token] : [])];
    const leaks = findLeaks(secrets, sources);
    if (leaks.length > 0 && opts.allowLeaks !== true) throw new Error(describeLeaks(label, leaks));
    run.leaks = leaks;
    return run;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
