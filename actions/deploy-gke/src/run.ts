/**
 * Everything after the inputs: loaded with `import()` so that a bad input never loads the Kubernetes client or
 * google-auth-library; the Google library itself loads only once the manifests are known to be valid.
 */
import { InputError, log, mask } from '@slipway/core';
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

/** The runner's context, and what google-github-actions/auth and the tests set for GKE. */
interface RunContext extends KubeRunContext {
  /** The default project, as google-github-actions/auth exports it. */
  project: string | undefined;
  /** Where the Kubernetes Engine API is: `SLIPWAY_GKE_API_ENDPOINT`, or Google's. */
  gkeApiEndpoint: string | undefined;
}

const AUTOPILOT_NOTE =
  'GKE Autopilot sets (and bills) 500m CPU and 2 GiB memory for each container that requests nothing; set requests to pay for what the container needs.';
const PLUGIN_HINT =
  'Install gke-gcloud-auth-plugin: https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin';

async function connect(inputs: Inputs, ctx: RunContext): Promise<KubeConnection> {
  const hooks = { onWarning: (w: string) => log.warning(`Kubernetes API: ${w}`) };
  if (inputs.kubeconfig !== undefined) return connectWithKubeconfig(inputs, ctx);
  const gke = await import('@slipway/gcp/gke');
  const ref = gke.parseClusterRef(inputs.cluster as string, inputs.location, inputs.project ?? ctx.project);
  if ('problem' in ref)
    throw new InputError([
      {
        input: inputs.project === undefined && ctx.project === undefined ? 'project' : 'cluster',
        message: ref.problem,
      },
    ]);
  // The first client both reads the cluster and mints the first token; renewals use fresh clients.
  let first: Awaited<ReturnType<typeof gke.adcClient>> | undefined = await gke.adcClient(ref.project);
  const cluster = await gke.getGkeCluster(
    ref,
    gke.adcGet(first),
    ctx.gkeApiEndpoint === undefined ? {} : { apiEndpoint: ctx.gkeApiEndpoint },
  );
  const chosen = gke.chooseEndpoint(cluster, inputs.endpoint);
  if ('problem' in chosen) throw new Error(chosen.problem);
  log.info(
    `GKE cluster ${ref.name} (${ref.project}, ${ref.location}), ${cluster.autopilot ? 'Autopilot' : 'Standard'}, Kubernetes ${cluster.version}: ${chosen.kind} endpoint ${chosen.server}`,
  );
  const clock = new ServerClock();
  const token = new RenewingToken(
    (now) =>
      gke.mintGoogleToken(async () => {
        const client = first ?? (await gke.adcClient(ref.project));
        first = undefined;
        return client;
      }, now),
    {
      clock,
      renewBeforeMs: 5 * 60_000,
      onRenew: (grant, count) => {
        mask(grant.token);
        if (count > 1)
          log.info(
            `Renewed the Google access token (token ${count}, valid until ${new Date(grant.expiresAt).toISOString()})`,
          );
      },
    },
  );
  const name = `gke_${ref.project}_${ref.location}_${ref.name}`;
  const client = clientForEndpoint(
    { server: chosen.server, ...(chosen.caData === undefined ? {} : { caData: chosen.caData }), name },
    token,
    clock,
    hooks,
  );
  return {
    client,
    platform: cluster.autopilot
      ? { name: 'GKE Autopilot', requestsNote: AUTOPILOT_NOTE }
      : { name: 'GKE Standard' },
    target: `GKE cluster \`${ref.name}\` (${ref.project}, ${ref.location}, ${chosen.kind} endpoint)`,
    namespace: undefined,
    kubeconfig: async () => {
      const credential: KubeconfigCredential = inputs.kubeconfigToken
        ? { kind: 'token', token: await token.get() }
        : {
            kind: 'exec',
            command: 'gke-gcloud-auth-plugin',
            args: [],
            installHint: PLUGIN_HINT,
            provideClusterInfo: true,
          };
      return renderKubeconfig({
        name,
        server: chosen.server,
        ...(chosen.caData === undefined ? {} : { caData: chosen.caData }),
        credential,
        ...(inputs.namespace === undefined ? {} : { namespace: inputs.namespace }),
      });
    },
  };
}

/** Runs the deploy with valid inputs. */
export function run(inputs: Inputs, env: NodeJS.ProcessEnv): Promise<void> {
  const ctx: RunContext = {
    ...kubeRunContext(env),
    project:
      env.GOOGLE_CLOUD_PROJECT ?? env.CLOUDSDK_CORE_PROJECT ?? env.CLOUDSDK_PROJECT ?? env.GCLOUD_PROJECT,
    gkeApiEndpoint: env.SLIPWAY_GKE_API_ENDPOINT,
  };
  return runKubeDeploy(inputs, ctx, {
    action: 'deploy-gke',
    platformName: 'GKE',
    spot: 'gke',
    connect: () => connect(inputs, ctx),
  });
}
