/**
 * What deploy-eks and deploy-gke do once their inputs are valid and they know how to reach the cluster: read
 * the manifests, connect, optionally write a kubeconfig, deploy, and report (outputs, job summary). The two
 * actions differ only in how they connect; everything else is here, once. Reports through @slipway/core.
 */
import { SummaryBuilder, annotate, group, log, mask, setOutputs } from '@slipway/core';
import type { KubeClient } from './client.js';
import { clientFromKubeconfig } from './connection.js';
import type { SpotPlatform } from './decorate.js';
import { deploy, prepareManifests } from './deploy.js';
import type { DeployReport, DeployReporter, DeploySettings } from './deploy.js';
import { Discovery } from './discovery.js';
import { writeKubeconfigFile } from './kubeconfig-file.js';
import type { SourceLocation } from './types.js';
import type { PlatformFacts } from './plan.js';
import { appliedOutput, renderSummary } from './summary.js';

/** A connected cluster. */
export interface KubeConnection {
  client: KubeClient;
  platform: PlatformFacts;
  /** How the summary names the target. */
  target: string;
  namespace: string | undefined;
  /** The kubeconfig for later steps, when asked. */
  kubeconfig(): Promise<string>;
}

/** The inputs both actions share. */
export interface KubeDeployInputs {
  kubeconfig: string | undefined;
  context: string | undefined;
  manifests: string[];
  images: DeploySettings['images'];
  namespace: string | undefined;
  dryRun: boolean;
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  rollback: boolean;
  forceConflicts: boolean;
  spot: boolean;
  writeKubeconfig: boolean;
}

/** Where the runner is: the workspace, RUNNER_TEMP, the commit and run that the deploy is traced to, PATH. */
export interface KubeRunContext {
  workspace: string;
  tempDir: string;
  commit: string | undefined;
  runUrl: string | undefined;
  path: string | undefined;
}

/** The runner's context from its environment variables. */
export function kubeRunContext(env: NodeJS.ProcessEnv): KubeRunContext {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl =
    env.GITHUB_REPOSITORY !== undefined && env.GITHUB_RUN_ID !== undefined
      ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  return {
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    tempDir: env.RUNNER_TEMP ?? env.TMPDIR ?? '/tmp',
    commit: env.GITHUB_SHA,
    runUrl,
    path: env.PATH,
  };
}

function where(location: SourceLocation | undefined): { file?: string; line?: number } {
  return location === undefined ? {} : { file: location.file, line: location.line };
}

/** The deploy's reporter on the runner: log lines, annotations at the manifest's file and line, log groups. */
export function runnerReporter(): DeployReporter {
  return {
    info: (message) => log.info(message),
    warning: (message, location) => annotate('warning', message, where(location)),
    error: (message, location) => annotate('error', message, where(location)),
    group: (title, fn) => group(title, fn),
  };
}

/** Connects through a kubeconfig given as an input (its tokens masked). */
export function connectWithKubeconfig(inputs: KubeDeployInputs, ctx: KubeRunContext): KubeConnection {
  const text = inputs.kubeconfig as string;
  const { client, connection } = clientFromKubeconfig(
    text,
    {
      ...(inputs.context === undefined ? {} : { context: inputs.context }),
      baseDir: ctx.workspace,
      onToken: (token) => mask(token),
    },
    { onWarning: (w: string) => log.warning(`Kubernetes API: ${w}`) },
  );
  log.info(`Using the kubeconfig's context ${connection.contextName} (${connection.server})`);
  return {
    client,
    platform: { name: 'Kubernetes' },
    target: `Cluster ${connection.server} (kubeconfig context \`${connection.contextName}\`)`,
    namespace: connection.namespace,
    kubeconfig: () => Promise.resolve(text),
  };
}

/** How one action differs: its name, the platform it names before connecting, Spot labels, how it connects. */
export interface KubeActionFlavour {
  action: 'deploy-eks' | 'deploy-gke';
  platformName: string;
  spot: SpotPlatform;
  connect(): Promise<KubeConnection>;
}

/** Runs the deploy with valid inputs; throws when the rollout failed, after outputs and summary are written. */
export async function runKubeDeploy(
  inputs: KubeDeployInputs,
  ctx: KubeRunContext,
  flavour: KubeActionFlavour,
): Promise<void> {
  const reporter = runnerReporter();
  const base: Omit<DeploySettings, 'namespace' | 'platform'> = {
    manifests: inputs.manifests,
    workspace: ctx.workspace,
    images: inputs.images,
    dryRun: inputs.dryRun,
    wait: inputs.wait,
    timeoutMs: inputs.timeoutMs,
    pollIntervalMs: inputs.pollIntervalMs,
    rollback: inputs.rollback,
    forceConflicts: inputs.forceConflicts,
    ...(ctx.commit === undefined ? {} : { commit: ctx.commit }),
    ...(ctx.runUrl === undefined ? {} : { runUrl: ctx.runUrl }),
    ...(inputs.spot ? { spot: flavour.spot } : {}),
  };
  // Every manifest is read and checked before the cluster is reached.
  const prepared = await group('Manifests', () =>
    prepareManifests(
      { ...base, namespace: inputs.namespace ?? 'default', platform: { name: flavour.platformName } },
      reporter,
      ctx.path === undefined ? {} : { path: ctx.path },
    ),
  );
  const connection = await group('Cluster', () => flavour.connect());
  const settings: DeploySettings = {
    ...base,
    namespace: inputs.namespace ?? connection.namespace ?? 'default',
    platform: connection.platform,
  };
  let kubeconfigPath: string | undefined;
  if (inputs.writeKubeconfig) {
    kubeconfigPath = await writeKubeconfigFile(ctx.tempDir, await connection.kubeconfig());
    log.info(`Wrote a kubeconfig to ${kubeconfigPath}`);
  }
  let report: DeployReport | undefined;
  try {
    report = await deploy(connection.client, new Discovery(connection.client), prepared, settings, reporter);
  } finally {
    setOutputs({
      applied: report === undefined ? undefined : appliedOutput(report),
      images: report?.images,
      'kubeconfig-path': kubeconfigPath,
    });
    if (report !== undefined)
      await new SummaryBuilder()
        .raw(renderSummary(report, connection.target, flavour.action).trimEnd())
        .write();
    connection.client.close();
  }
  if (report.outcome === 'failed') throw new Error(report.failure ?? 'the rollout failed');
}
