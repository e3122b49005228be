/**
 * Everything after the inputs: loaded with `import()` so that a bad input never loads @kubernetes/client-node or
 * the AWS SDK; the AWS SDK itself loads only once the manifests are known to be valid.
 */
import { SummaryBuilder, group, log, mask, setOutputs } from '@slipway/core';
import {
  Discovery,
  RenewingToken,
  ServerClock,
  appliedOutput,
  clientForEndpoint,
  clientFromKubeconfig,
  deploy,
  prepareManifests,
  renderKubeconfig,
  renderSummary,
  writeKubeconfigFile,
} from '@slipway/kube';
import type {
  DeployReport,
  DeploySettings,
  KubeClient,
  KubeconfigCredential,
  PlatformFacts,
} from '@slipway/kube';
import type { Inputs } from './inputs.js';
import type { RunContext } from './main.js';
import { runnerReporter } from './reporter.js';

/** A connected cluster. */
interface Connection {
  client: KubeClient;
  platform: PlatformFacts;
  /** How the summary names the target. */
  target: string;
  namespace: string | undefined;
  /** The kubeconfig for later steps, when asked. */
  kubeconfig(): Promise<string>;
}

const AUTO_MODE_NOTE =
  'EKS Auto Mode picks (and bills) nodes from the pods’ requests; without them pods get no guaranteed CPU or memory and may land on nodes too small for them.';

async function connect(inputs: Inputs, ctx: RunContext): Promise<Connection> {
  const hooks = { onWarning: (w: string) => log.warning(`Kubernetes API: ${w}`) };
  if (inputs.kubeconfig !== undefined) {
    const text = inputs.kubeconfig;
    const { client, connection } = clientFromKubeconfig(text, {
      ...(inputs.context === undefined ? {} : { context: inputs.context }),
      baseDir: ctx.workspace,
      onToken: (token) => mask(token),
    });
    log.info(`Using the kubeconfig's context ${connection.contextName} (${connection.server})`);
    return {
      client,
      platform: { name: 'Kubernetes' },
      target: `Cluster ${connection.server} (kubeconfig context \`${connection.contextName}\`)`,
      namespace: connection.namespace,
      kubeconfig: () => Promise.resolve(text),
    };
  }
  const eks = await import('@slipway/aws/eks');
  const name = inputs.clusterName as string;
  const eksClient = eks.createEksClient(inputs.awsRegion);
  const cluster = await eks.describeEksCluster(eksClient, name);
  const region = await eksClient.config.region();
  log.info(
    `EKS cluster ${name} (${region}), Kubernetes ${cluster.version}${cluster.autoMode ? ', Auto Mode' : ''}: ${cluster.endpoint}`,
  );
  const clock = new ServerClock();
  const token = new RenewingToken(
    async (now) =>
      eks.createEksToken({
        clusterName: name,
        region,
        credentials: await eksClient.config.credentials(),
        signingDate: new Date(now),
      }),
    {
      clock,
      renewBeforeMs: 60_000,
      onRenew: (grant, count) => {
        mask(grant.token);
        if (count > 1)
          log.info(
            `Renewed the EKS token (token ${count}, valid until ${new Date(grant.expiresAt).toISOString()})`,
          );
      },
    },
  );
  const client = clientForEndpoint(
    { server: cluster.endpoint, caData: cluster.caData, name: cluster.arn || name },
    token,
    clock,
    hooks,
  );
  return {
    client,
    platform: cluster.autoMode ? { name: 'EKS Auto Mode', requestsNote: AUTO_MODE_NOTE } : { name: 'EKS' },
    target: `EKS cluster \`${name}\` (${region})`,
    namespace: undefined,
    kubeconfig: async () => {
      const credential: KubeconfigCredential = inputs.kubeconfigToken
        ? { kind: 'token', token: await token.get() }
        : {
            kind: 'exec',
            command: 'aws',
            args: ['--region', region, 'eks', 'get-token', '--cluster-name', name, '--output', 'json'],
          };
      return renderKubeconfig({
        name: cluster.arn || name,
        server: cluster.endpoint,
        caData: cluster.caData,
        credential,
        ...(inputs.namespace === undefined ? {} : { namespace: inputs.namespace }),
      });
    },
  };
}

/** Runs the deploy with valid inputs. */
export async function run(inputs: Inputs, ctx: RunContext): Promise<void> {
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
    ...(inputs.spot ? { spot: 'eks' as const } : {}),
  };
  const prepared = await group('Manifests', () =>
    prepareManifests(
      { ...base, namespace: inputs.namespace ?? 'default', platform: { name: 'EKS' } },
      reporter,
      ctx.path === undefined ? {} : { path: ctx.path },
    ),
  );
  const connection = await group('Cluster', () => connect(inputs, ctx));
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
        .raw(renderSummary(report, connection.target, 'deploy-eks').trimEnd())
        .write();
    connection.client.close();
  }
  if (report.outcome === 'failed') throw new Error(report.failure ?? 'the rollout failed');
}
