/**
 * `@slipway/aws/eks`: reaching an EKS cluster without the AWS CLI — its endpoint and CA from DescribeCluster, and
 * bearer tokens made the way `aws eks get-token` makes them.
 */
export { createEksClient, describeEksCluster } from './cluster.js';
export type { EksCluster } from './cluster.js';
export {
  CLUSTER_ID_HEADER,
  EKS_TOKEN_LIFETIME_MS,
  EKS_TOKEN_PREFIX,
  createEksToken,
  decodeEksToken,
  stsHost,
} from './token.js';
export type { EksToken, EksTokenInput } from './token.js';
