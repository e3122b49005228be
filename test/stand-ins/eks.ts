// Amazon EKS over its REST JSON protocol (restJson1), enough to find a cluster: DescribeCluster and ListClusters.
// References: https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeCluster.html (GET /clusters/{name},
// the Cluster shape: endpoint, certificateAuthority.data, status, accessConfig, computeConfig for EKS Auto Mode),
// https://docs.aws.amazon.com/eks/latest/APIReference/API_ListClusters.html,
// https://docs.aws.amazon.com/eks/latest/APIReference/CommonErrors.html, and the restJson1 protocol
// (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html): the error type travels in `x-amzn-errortype`
// (and the body's `__type`), timestamps as epoch seconds. Requests are SigV4-signed for the `eks` service.
import { randomUUID } from 'node:crypto';
import { TEST_CREDENTIALS } from './aws-json.js';
import { StandIn } from './base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from './base.js';
import { verifySigV4 } from './sigv4.js';
import type { AwsCredential } from './sigv4.js';

/** A cluster the stand-in knows. */
export interface EksClusterSeed {
  name: string;
  /** The API server URL (`https://...`). */
  endpoint: string;
  /** base64 PEM of the cluster CA, as `certificateAuthority.data`. */
  caData: string;
  status?: 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED' | 'UPDATING' | 'PENDING';
  version?: string;
  /** EKS Auto Mode (`computeConfig.enabled`). */
  autoMode?: boolean;
  authenticationMode?: 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP';
}

/** Options of the EKS stand-in. */
export interface EksStandInOptions extends StandInOptions {
  credentials?: AwsCredential[];
  region?: string;
  accountId?: string;
}

/** An EKS stand-in over restJson1 with SigV4 verification. */
export class EksStandIn extends StandIn {
  /** Accepted keys by access key id. */
  readonly credentials = new Map<string, AwsCredential>();
  readonly region: string;
  private readonly accountId: string;
  private readonly clusters = new Map<string, EksClusterSeed>();

  /** @param options keys, region and account. */
  constructor(options: EksStandInOptions = {}) {
    super(options);
    for (const c of options.credentials ?? [TEST_CREDENTIALS]) this.credentials.set(c.accessKeyId, { ...c });
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
  }

  /** Adds (or replaces) a cluster. */
  addCluster(cluster: EksClusterSeed): void {
    this.clusters.set(cluster.name, cluster);
  }

  protected identify(request: StandInRequest): string {
    if (request.method === 'GET' && /^\/clusters\/[^/]+$/.test(request.path)) return 'DescribeCluster';
    if (request.method === 'GET' && request.path === '/clusters') return 'ListClusters';
    return `${request.method} ${request.path}`;
  }

  protected async handle(request: StandInRequest, operation: string): Promise<StandInResponse> {
    const verdict = await verifySigV4(request, {
      credentials: this.credentials,
      service: 'eks',
      now: this.now(),
      failureStatus: 403,
    });
    if (!verdict.ok) return this.error(verdict.type, verdict.message, verdict.status);
    if (operation === 'ListClusters') return this.json({ clusters: [...this.clusters.keys()].sort() });
    if (operation !== 'DescribeCluster') return this.error('UnknownOperationException', '', 404);
    const name = decodeURIComponent(request.path.slice('/clusters/'.length));
    const cluster = this.clusters.get(name);
    if (cluster === undefined)
      return this.error('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404, {
        clusterName: name,
      });
    const arn = `arn:aws:eks:${verdict.region}:${this.accountId}:cluster/${name}`;
    return this.json({
      cluster: {
        name,
        arn,
        createdAt: Date.UTC(2026, 0, 5) / 1000,
        version: cluster.version ?? '1.33',
        endpoint: cluster.endpoint,
        roleArn: `arn:aws:iam::${this.accountId}:role/eks-cluster`,
        resourcesVpcConfig: {
          subnetIds: ['subnet-0a1b2c3d'],
          securityGroupIds: [],
          clusterSecurityGroupId: 'sg-0a1b2c3d',
          vpcId: 'vpc-0a1b2c3d',
          endpointPublicAccess: true,
          endpointPrivateAccess: true,
          publicAccessCidrs: ['0.0.0.0/0'],
        },
        kubernetesNetworkConfig: {
          serviceIpv4Cidr: '10.100.0.0/16',
          ipFamily: 'ipv4',
          elasticLoadBalancing: { enabled: cluster.autoMode === true },
        },
        identity: {
          oidc: { issuer: `https://oidc.eks.${verdict.region}.amazonaws.com/id/0123456789ABCDEF` },
        },
        status: cluster.status ?? 'ACTIVE',
        certificateAuthority: { data: cluster.caData },
        platformVersion: 'eks.7',
        tags: {},
        accessConfig: { authenticationMode: cluster.authenticationMode ?? 'API_AND_CONFIG_MAP' },
        ...(cluster.autoMode === true
          ? {
              computeConfig: {
                enabled: true,
                nodePools: ['general-purpose', 'system'],
                nodeRoleArn: `arn:aws:iam::${this.accountId}:role/eks-auto-node`,
              },
              storageConfig: { blockStorage: { enabled: true } },
            }
          : {}),
      },
    });
  }

  protected throttleResponse(): StandInResponse {
    return this.error('ThrottlingException', 'Rate exceeded', 429);
  }

  protected serverErrorResponse(
    _r: StandInRequest,
    _o: string,
    status: number,
    message?: string,
  ): StandInResponse {
    return this.error(
      status === 503 ? 'ServiceUnavailableException' : 'ServerException',
      message ?? 'Internal server error',
      status,
    );
  }

  private json(body: unknown): StandInResponse {
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
      body,
    };
  }

  private error(
    type: string,
    message: string,
    status: number,
    extra: Record<string, unknown> = {},
  ): StandInResponse {
    return {
      status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': randomUUID(),
        'x-amzn-errortype': type,
      },
      body: { ...(message === '' ? {} : { message }), ...extra },
    };
  }
}
