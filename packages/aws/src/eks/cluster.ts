/**
 * Finding an EKS cluster's API endpoint and CA with `DescribeCluster`
 * (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeCluster.html), the one IAM permission
 * deploy-eks needs, and whether it runs EKS Auto Mode (`computeConfig.enabled`).
 */
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { retry } from '@slipway/core';
import type { RetryOptions } from '@slipway/core';

/** What a deploy needs to know about a cluster. */
export interface EksCluster {
  name: string;
  arn: string;
  /** `https://...eks.amazonaws.com`. */
  endpoint: string;
  /** base64 PEM of the cluster CA. */
  caData: string;
  status: string;
  version: string;
  /** EKS Auto Mode: nodes are chosen (and billed) from the pods' requests. */
  autoMode: boolean;
}

/**
 * An EKS client that makes one attempt per call, so {@link describeEksCluster}'s retry policy is the one in effect.
 * Region and credentials come from the standard configuration (AWS_REGION, AWS_ENDPOINT_URL_EKS, the credential
 * chain) unless a region is given.
 */
export function createEksClient(region?: string): EKSClient {
  return new EKSClient({ maxAttempts: 1, ...(region === undefined ? {} : { region }) });
}

/** Usable cluster states: UPDATING clusters keep serving their API. */
const USABLE = new Set(['ACTIVE', 'UPDATING']);

/** Describes a cluster, with retries for throttling and server errors; throws when it is not usable. */
export async function describeEksCluster(
  client: EKSClient,
  name: string,
  retryOptions: RetryOptions = {},
): Promise<EksCluster> {
  const out = await retry(() => client.send(new DescribeClusterCommand({ name })), retryOptions);
  const cluster = out.cluster;
  if (cluster === undefined) throw new Error(`DescribeCluster returned no cluster for ${name}`);
  const status = cluster.status ?? 'UNKNOWN';
  if (!USABLE.has(status))
    throw new Error(`EKS cluster ${name} is ${status}, not ACTIVE: its API cannot take a deploy now`);
  if (cluster.endpoint === undefined || cluster.certificateAuthority?.data === undefined) {
    throw new Error(`EKS cluster ${name} has no endpoint or certificate authority yet`);
  }
  return {
    name,
    arn: cluster.arn ?? '',
    endpoint: cluster.endpoint,
    caData: cluster.certificateAuthority.data,
    status,
    version: cluster.version ?? '',
    autoMode: cluster.computeConfig?.enabled === true,
  };
}
