// Test clusters assembled from the stand-ins, reached the way the actions reach real ones:
// - EKS: the EKS stand-in's DescribeCluster answers the Kubernetes stand-in's HTTPS URL and CA, and the Kubernetes
//   stand-in checks bearer tokens the way aws-iam-authenticator does, through the STS stand-in;
// - GKE: the GKE stand-in answers clusters.get and exchanges the workflow's federated token (an external_account
//   credential file, as google-github-actions/auth writes it) for access tokens the Kubernetes stand-in accepts.
// One simulated clock drives all of them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_CREDENTIALS } from './aws-json.js';
import { Clock } from './clock.js';
import { EksStandIn } from './eks.js';
import { GkeStandIn } from './gke.js';
import type { GkeClusterSeed } from './gke.js';
import { KubeStandIn } from './kube.js';
import type { KubeStandInOptions } from './kube.js';
import { eksTokenAuthenticator, gkeTokenAuthenticator } from './kube-auth.js';
import type { EksTokenRejection } from './kube-auth.js';
import { StsStandIn } from './sts.js';

/** An EKS cluster of stand-ins. */
export interface EksTestCluster {
  name: string;
  region: string;
  clock: Clock;
  kube: KubeStandIn;
  sts: StsStandIn;
  eks: EksStandIn;
  /** EKS tokens the cluster refused, and why. */
  rejections: EksTokenRejection[];
  /** The environment an action needs to reach it (region, keys, endpoint). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Options of the test clusters. */
export interface TestClusterOptions {
  name?: string;
  kube?: Omit<KubeStandInOptions, 'clock' | 'authenticators'>;
  clock?: Clock;
}

/** Starts an EKS cluster (three stand-ins on one clock). */
export async function startEksCluster(
  opts: TestClusterOptions & { autoMode?: boolean; region?: string } = {},
): Promise<EksTestCluster> {
  const name = opts.name ?? 'production';
  const region = opts.region ?? 'us-east-1';
  const clock = opts.clock ?? new Clock();
  const rejections: EksTokenRejection[] = [];
  const sts = new StsStandIn({
    clock,
    identities: { [TEST_CREDENTIALS.accessKeyId]: 'arn:aws:iam::123456789012:role/slipway-deploy' },
  });
  await sts.start();
  const kube = new KubeStandIn({
    ...opts.kube,
    clock,
    authenticators: [eksTokenAuthenticator(sts, name, rejections)],
  });
  await kube.start();
  const eks = new EksStandIn({ clock, region });
  await eks.start();
  eks.addCluster({ name, endpoint: kube.serverUrl, caData: kube.caData, autoMode: opts.autoMode ?? false });
  return {
    name,
    region,
    clock,
    kube,
    sts,
    eks,
    rejections,
    env: {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_EKS: eks.url,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    stop: async () => {
      await Promise.all([kube.stop(), sts.stop(), eks.stop()]);
    },
  };
}

/** A GKE cluster of stand-ins. */
export interface GkeTestCluster {
  project: string;
  location: string;
  name: string;
  clock: Clock;
  kube: KubeStandIn;
  gke: GkeStandIn;
  /** The federated token google-github-actions/auth would have written. */
  subjectToken: string;
  /** The external_account credential file. */
  credentialsFile: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts a GKE cluster (two stand-ins on one clock) with an ADC file in a temporary directory. */
export async function startGkeCluster(
  opts: TestClusterOptions & {
    autopilot?: boolean;
    tokenLifetimeSeconds?: number;
    cluster?: Partial<GkeClusterSeed>;
    impersonate?: string;
  } = {},
): Promise<GkeTestCluster> {
  const project = 'slipway-test';
  const location = 'us-central1';
  const name = opts.name ?? 'production';
  const clock = opts.clock ?? new Clock();
  const subjectToken = 'eyJhbGciOiJSUzI1NiJ9.github-oidc-subject.signature';
  const gke = new GkeStandIn({
    clock,
    subjectToken,
    ...(opts.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: opts.tokenLifetimeSeconds }),
  });
  await gke.start();
  const kube = new KubeStandIn({
    ...opts.kube,
    clock,
    authenticators: [gkeTokenAuthenticator(gke)],
    autopilot: opts.autopilot ?? false,
  });
  await kube.start();
  gke.addCluster({
    project,
    location,
    name,
    endpoint: kube.serverUrl.replace(/^https:\/\//, ''),
    caData: kube.caData,
    autopilot: opts.autopilot ?? false,
    ...opts.cluster,
  });
  const dir = await mkdtemp(join(tmpdir(), 'slipway-gke-adc-'));
  const subjectFile = join(dir, 'github-oidc-token');
  await writeFile(subjectFile, subjectToken);
  const credentialsFile = join(dir, 'credentials.json');
  await writeFile(
    credentialsFile,
    JSON.stringify(gke.externalAccountCredentials(subjectFile, opts.impersonate), null, 2),
  );
  return {
    project,
    location,
    name,
    clock,
    kube,
    gke,
    subjectToken,
    credentialsFile,
    env: {
      GOOGLE_APPLICATION_CREDENTIALS: credentialsFile,
      SLIPWAY_GKE_API_ENDPOINT: gke.url,
      GOOGLE_CLOUD_PROJECT: project,
    },
    stop: async () => {
      await Promise.all([kube.stop(), gke.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
