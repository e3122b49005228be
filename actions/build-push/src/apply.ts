/**
 * Carries out a plan: log in to every registry (credentials masked, sent to the engine on stdin, kept in the
 * action's own auth file), create repositories, build while renewing credentials that near expiry, renew again
 * right before pushing, push by digest to every repository, and only then move the tags. Loaded with
 * `await import()` after the inputs are valid, so a bad input never loads a cloud SDK.
 */
import { readFile } from 'node:fs/promises';
import { saveState } from '@actions/core';
import { CredentialKeeper, describeError, group, log, mask, staticLogin } from '@slipway/core';
import type { Credentials, RegistryLogin } from '@slipway/core';
import type { ecrClientsByRegion } from '@slipway/aws/ecr';
import type { AccessTokenSource } from '@slipway/gcp/artifact-registry';
import { WORK_DIR_STATE, prepareWorkDir, removeWorkDir } from './auth-file.js';
import { withDigestArg } from './commands.js';
import { plural } from './plural.js';
import type { Command } from './commands.js';
import type { RunContext } from './context.js';
import { buildahLogin } from './engine-buildah.js';
import { buildxLogin } from './engine-buildx.js';
import { requirePrograms } from './exec.js';
import type { Exec, ExecResult } from './exec.js';
import type { Inputs } from './inputs.js';
import { summarizeLayout } from './oci-layout.js';
import type { Plan, RepositoryPlan } from './plan.js';
import type { RegistryTarget } from './registries.js';

/** What the build and push produced. */
export interface BuildResult {
  /** The digest every repository holds (`sha256:…`); undefined without a push. */
  digest: string | undefined;
  /** `repository@digest`, one per image. */
  pinned: string[];
  /** `repository:tag` set in the registries. */
  tagged: string[];
  platforms: string[];
  /** Compressed bytes of config and layers, when the engine's output shows them (Buildah). */
  sizeBytes: number | undefined;
  /** Time in the engine: build, and push with tags. */
  buildMs: number;
  pushMs: number;
  /** Registries whose credentials were renewed during the run. */
  renewed: string[];
  /** Repository set-up steps that ran, one line each. */
  repositorySteps: string[];
}

/** What apply needs from the outside. */
export interface ApplyDeps {
  exec: Exec;
  /** Fails when one of the programs is not on PATH. */
  requirePrograms(programs: readonly string[]): Promise<void>;
  env: NodeJS.ProcessEnv;
  now(): number;
  /** Saves state for the post step. */
  saveState(name: string, value: string): void;
}

/** The real runner's deps. */
export function defaultApplyDeps(exec: Exec): ApplyDeps {
  return { exec, requirePrograms, env: process.env, now: Date.now, saveState };
}

/** The programs a plan runs. */
export function programsOf(plan: Plan): string[] {
  const commands = [
    ...plan.logins.map((l) => l.command),
    ...plan.commands.build,
    ...plan.commands.push,
    ...plan.commands.tag,
  ];
  return [...new Set(commands.map((c) => c.command))];
}

/** ECR clients by region and the ADC token source, shared by logins and repository set-up once loaded. */
interface Shared {
  ecrClients?: ReturnType<typeof ecrClientsByRegion>;
  adc?: AccessTokenSource;
}

const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

/** The most telling line of a failed program's output: its last error line, without log decorations. */
export function failureLine(result: ExecResult): string {
  const lines = `${result.stderr}\n${result.stdout}`
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const stderrLines = result.stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const last = stderrLines.at(-1) ?? lines.at(-1) ?? '';
  // logrus lines (skopeo): time="…" level=fatal msg="…"
  const msg = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(last);
  const text = (msg ? msg[1]!.replace(/\\"/g, '"').replace(/\\n/g, ' ') : last).trim();
  return text.replace(/^(?:Error|ERROR|error):\s*/, '') || `exit code ${result.exitCode}`;
}

class Runner {
  constructor(
    private readonly plan: Plan,
    private readonly inputs: Inputs,
    private readonly deps: ApplyDeps,
  ) {}

  /** Runs one planned command; a non-zero exit throws one line naming the step. */
  async run(
    command: Command,
    opts: { input?: string; silent?: boolean; describe?: (r: ExecResult) => string } = {},
  ) {
    const env: Record<string, string> = { ...this.plan.commands.env };
    for (const [name, id] of Object.entries(command.secretEnv ?? {}))
      env[name] = this.inputs.secrets[id] ?? '';
    const result = await this.deps.exec(command.command, command.args, {
      env,
      ...(opts.input === undefined ? {} : { input: opts.input }),
      ...(opts.silent === undefined ? {} : { silent: opts.silent }),
    });
    if (result.exitCode !== 0) {
      throw new Error(opts.describe?.(result) ?? `${command.title} failed: ${failureLine(result)}`);
    }
    return result;
  }
}

async function registryLogin(
  registry: RegistryTarget,
  plan: Plan,
  inputs: Inputs,
  shared: Shared,
): Promise<RegistryLogin> {
  if (registry.type === 'ecr') {
    const { ecrClientsByRegion, ecrLogin } = await import('@slipway/aws/ecr');
    shared.ecrClients ??= ecrClientsByRegion();
    return ecrLogin({
      client: shared.ecrClients,
      ...(registry.region === undefined ? {} : { region: registry.region }),
    });
  }
  if (registry.type === 'artifact-registry') {
    const { adcAccessTokenSource, artifactRegistryLogin } = await import('@slipway/gcp/artifact-registry');
    // One credential and token cache for every Artifact Registry host: one token exchange, not one per location.
    const project = plan.images.find((i) => i.artifactRegistry !== undefined)?.artifactRegistry?.project;
    shared.adc ??= adcAccessTokenSource({
      refreshBeforeMs: plan.renewBeforeMs,
      ...(project === undefined ? {} : { projectId: project }),
    });
    return artifactRegistryLogin(shared.adc);
  }
  return staticLogin(inputs.username ?? '', inputs.password ?? '');
}

async function logIn(
  plan: Plan,
  inputs: Inputs,
  runner: Runner,
  deps: ApplyDeps,
  shared: Shared,
): Promise<{ keeper: CredentialKeeper; renewed: Set<string> }> {
  const renewed = new Set<string>();
  const keeper = new CredentialKeeper({
    renewBeforeMs: plan.renewBeforeMs,
    now: deps.now,
    onLogin: async (credentials: Credentials, renewal: boolean) => {
      // Masked before anything could print it: the engine's own output included.
      mask(credentials.password);
      const login = plan.logins.find((l) => l.host === credentials.registry)!;
      const command =
        plan.engine === 'buildah'
          ? buildahLogin(plan.commands.authFile, login.host, credentials.username, login.insecure)
          : buildxLogin(login.host, credentials.username);
      await runner.run(command, {
        input: credentials.password,
        silent: true,
        describe: (r) => loginFailure(login.host, failureLine(r)),
      });
      if (renewal) {
        renewed.add(login.host);
        log.info(`Renewed the ${login.type} credentials for ${login.host}${expiryText(credentials)}.`);
      } else {
        log.info(`Logged in to ${login.host} as ${credentials.username}${expiryText(credentials)}.`);
      }
    },
  });
  for (const login of plan.logins) {
    const registry = plan.registries.find((r) => r.host === login.host)!;
    keeper.add(login.host, await registryLogin(registry, plan, inputs, shared));
  }
  await keeper.refresh();
  return { keeper, renewed };
}

/** One line for a failed engine login: refused credentials are said so; anything else (DNS, TLS) as it is. */
export function loginFailure(host: string, line: string): string {
  return /unauthori[sz]ed|invalid username|password|\b401\b|denied|forbidden/i.test(line)
    ? `registry ${host} refused the credentials: ${line}`
    : `could not log in to registry ${host}: ${line}`;
}

function expiryText(credentials: Credentials): string {
  return credentials.expiresAt === undefined
    ? ''
    : ` (valid until ${new Date(credentials.expiresAt).toISOString()})`;
}

async function setUpRepositories(
  plan: Plan,
  keeper: CredentialKeeper,
  ctx: RunContext,
  shared: Shared,
): Promise<string[]> {
  const lines: string[] = [];
  for (const repo of plan.repositories) lines.push(...(await setUpRepository(repo, keeper, ctx, shared)));
  return lines;
}

async function setUpRepository(
  repo: RepositoryPlan,
  keeper: CredentialKeeper,
  ctx: RunContext,
  shared: Shared,
): Promise<string[]> {
  if (repo.kind === 'ecr') {
    const ecr = await import('@slipway/aws/ecr');
    shared.ecrClients ??= ecr.ecrClientsByRegion();
    const client = shared.ecrClients(repo.region);
    const observed = await ecr.describeEcrRepository(client, repo.repositoryName, repo.registryId);
    const plan = ecr.planEcrRepository(repo.repositoryName, repo.registryId, observed, {
      scanOnPush: repo.scanOnPush,
      tagMutability: repo.tagMutability,
      lifecyclePolicy: repo.lifecyclePolicy,
    });
    for (const warning of plan.warnings) log.warning(warning);
    await ecr.applyEcrRepository(client, plan);
    const lines = plan.steps.map((step) => ecr.describeEcrStep(plan, step));
    if (lines.length === 0) log.info(`ECR repository ${repo.repositoryName} is set up already.`);
    for (const line of lines) log.info(`Done: ${line}.`);
    return lines;
  }
  const ar = await import('@slipway/gcp/artifact-registry');
  const api = {
    endpoint: ctx.artifactRegistryEndpoint ?? ar.ARTIFACT_REGISTRY_ENDPOINT,
    token: async () => {
      await keeper.refresh();
      const held = keeper.current(repo.host);
      if (held === undefined) throw new Error(`no Artifact Registry credentials for ${repo.host}`);
      return held.password;
    },
  };
  const id = { project: repo.project, location: repo.location, repository: repo.repository };
  const plan = ar.planArtifactRepository(id, await ar.getArtifactRepository(api, id));
  await ar.applyArtifactRepository(api, plan);
  const name = ar.artifactRepositoryName(id);
  if (plan.steps.length === 0) {
    log.info(`Artifact Registry repository ${name} exists already.`);
    return [];
  }
  log.info(`Done: create Artifact Registry repository ${name}.`);
  return [`create Artifact Registry repository ${name}`];
}

async function readDigest(plan: Plan): Promise<string> {
  const source = plan.commands.digest;
  if (source.kind === 'none') throw new Error('the plan has no digest to read');
  const text = await readFile(source.path, 'utf8').catch(() => '');
  let digest = text.trim();
  if (source.kind === 'metadata') {
    try {
      const metadata = JSON.parse(text) as Record<string, unknown>;
      digest = typeof metadata['containerimage.digest'] === 'string' ? metadata['containerimage.digest'] : '';
    } catch {
      digest = '';
    }
  }
  if (!DIGEST_PATTERN.test(digest)) {
    throw new Error(`the ${plan.engine} build left no image digest in ${source.path}`);
  }
  return digest;
}

/** Checks a digest file written by one push: a registry that stored other bytes fails the run. */
async function checkPushed(command: Command, digest: string): Promise<void> {
  const index = command.args.indexOf('--digestfile');
  if (index === -1) return;
  const got = (await readFile(command.args[index + 1]!, 'utf8').catch(() => '')).trim();
  if (got !== digest) {
    const dest = command.args.at(-1) ?? '';
    throw new Error(
      `${dest.replace(/^docker:\/\//, '')} holds ${got || 'no digest'} after the push, not ${digest}`,
    );
  }
}

/**
 * Runs the plan. The work directory (auth file included) is removed before returning, whatever happens; its path
 * is saved first, so the post step removes it too if this process is killed.
 */
export async function applyBuild(
  plan: Plan,
  inputs: Inputs,
  ctx: RunContext,
  deps: ApplyDeps,
): Promise<BuildResult> {
  const { workDir } = plan;
  deps.saveState(WORK_DIR_STATE, workDir);
  const runner = new Runner(plan, inputs, deps);
  const shared: Shared = {};
  // Before any login or build: a missing skopeo must not surface only after a long build.
  await deps.requirePrograms(programsOf(plan));
  try {
    await prepareWorkDir(
      workDir,
      plan.engine,
      plan.commands.authFile,
      plan.logins.map((l) => l.host),
      deps.env,
    );
    let keeper: CredentialKeeper | undefined;
    let renewed = new Set<string>();
    if (plan.logins.length > 0) {
      ({ keeper, renewed } = await group('Log in to the registries', () =>
        logIn(plan, inputs, runner, deps, shared),
      ));
    }
    const repositorySteps =
      plan.repositories.length > 0 && keeper !== undefined
        ? await group('Set up repositories', () => setUpRepositories(plan, keeper, ctx, shared))
        : [];

    const fresh = keeper?.keepFresh({
      onError: (e) =>
        log.warning(`Could not renew registry credentials during the build: ${describeError(e)}`),
    });
    const buildStart = deps.now();
    try {
      await group(`Build with ${plan.engine}`, async () => {
        // @actions/exec echoes each command line itself.
        for (const command of plan.commands.build) await runner.run(command);
      });
    } finally {
      await fresh?.stop();
    }
    const buildMs = deps.now() - buildStart;
    if (!plan.push) {
      return {
        digest: undefined,
        pinned: [],
        tagged: [],
        platforms: plan.platforms,
        sizeBytes: undefined,
        buildMs,
        pushMs: 0,
        renewed: [...renewed],
        repositorySteps,
      };
    }

    const digest = await readDigest(plan);
    const pushStart = deps.now();
    // A build can outlive a short token: renew what is due before the first byte goes out.
    await keeper?.refresh();
    await group(`Push ${digest} to ${plural(plan.images.length, 'repository', 'repositories')}`, async () => {
      for (const planned of plan.commands.push) {
        const command = withDigestArg(planned, digest);
        await runner.run(command);
        await checkPushed(command, digest);
      }
    });
    await keeper?.refresh();
    await group(`Tag ${plural(plan.references.length, 'reference')}`, async () => {
      for (const planned of plan.commands.tag) {
        const command = withDigestArg(planned, digest);
        await runner.run(command);
        await checkPushed(command, digest);
      }
    });
    const pushMs = deps.now() - pushStart;
    const layout =
      plan.commands.layout === undefined ? undefined : await summarizeLayout(plan.commands.layout);
    return {
      digest,
      pinned: plan.images.map((i) => `${i.name}@${digest}`),
      tagged: plan.references,
      platforms: layout?.platforms ?? plan.platforms,
      sizeBytes: layout?.sizeBytes,
      buildMs,
      pushMs,
      renewed: [...renewed],
      repositorySteps,
    };
  } finally {
    await removeWorkDir(workDir);
  }
}
