/**
 * Everything after the inputs: loaded with `import()` so that a bad input never loads @kubernetes/client-node or
 * the AWS SDK; the AWS SDK itself loads only once the manifests are known to be valid.
 */
import { log, mask } from '@slipway/core';
import {
  RenewingToken,
  ServerClock,
  clientForEndpoint,
  connectWithKubeconfig,
  renderKubeconfig,
  kubeRunContext,
  runKubeDeploy,
} from '@slipway/kube';
import type { KubeConnection, KubeRunContext, KubeconfigCredential } from '@slipway/kube';
import type { Inputs } from './inputs.js';

const AUTO_MODE_NOTE =
  'EKS Auto Mode picks (and bills) nodes from the pods’ requests; without them pods get no guaranteed CPU or memory and may land on nodes too small for them.';

async function connect(inputs: Inputs, ctx: KubeRunContext): Promise<KubeConnection> {
  const hooks = { onWarning: (w: string) => log.warning(`Kubernetes API: ${w}`) };
  if (inputs.kubeconfig !== undefined) return connectWithKubeconfig(inputs, ctx);
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
export function run(inputs: Inputs, env: NodeJS.ProcessEnv): Promise<void> {
  const ctx = kubeRunContext(env);
  return runKubeDeploy(inputs, ctx, {
    action: 'deploy-eks',
    platformName: 'EKS',
    spot: 'eks',
    connect: () => connect(inputs, ctx),
  });
}
