// The EKS stand-in through the real @aws-sdk/client-eks: restJson1 requests, SigV4 checked, errors as the SDK
// reads them.
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { TEST_CREDENTIALS } from './aws-json.js';
import { EksStandIn } from './eks.js';

describe('EksStandIn', () => {
  const eks = new EksStandIn({ region: 'eu-west-1' });
  let client: EKSClient;
  beforeAll(async () => {
    await eks.start();
    eks.addCluster({
      name: 'production',
      endpoint: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
      caData: 'LS0tLS1CRUdJTi1DQQ==',
      autoMode: true,
    });
    eks.addCluster({ name: 'creating', endpoint: 'https://x', caData: 'eA==', status: 'CREATING' });
    client = new EKSClient({
      region: 'eu-west-1',
      endpoint: eks.url,
      credentials: { ...TEST_CREDENTIALS },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await eks.stop();
  });
  afterEach(() => eks.clearFaults());

  it('describes a cluster: endpoint, CA, status and Auto Mode', async () => {
    const { cluster } = await client.send(new DescribeClusterCommand({ name: 'production' }));
    expect(cluster).toMatchObject({
      name: 'production',
      arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/production',
      endpoint: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
      certificateAuthority: { data: 'LS0tLS1CRUdJTi1DQQ==' },
      status: 'ACTIVE',
      computeConfig: { enabled: true },
    });
    expect(cluster?.createdAt).toEqual(new Date(Date.UTC(2026, 0, 5)));
    expect(eks.calls('DescribeCluster')[0]?.path).toBe('/clusters/production');
  });

  it('lists clusters', async () => {
    expect((await client.send(new ListClustersCommand({}))).clusters).toEqual(['creating', 'production']);
  });

  it.each([
    {
      name: 'a missing cluster',
      run: (c: EKSClient) => c.send(new DescribeClusterCommand({ name: 'ghost' })),
      error: 'ResourceNotFoundException',
      status: 404,
      message: 'No cluster found for name: ghost.',
    },
    {
      name: 'a wrong secret',
      run: () =>
        new EKSClient({
          region: 'eu-west-1',
          endpoint: eks.url,
          credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' },
          maxAttempts: 1,
        }).send(new DescribeClusterCommand({ name: 'production' })),
      error: 'InvalidSignatureException',
      status: 403,
      message: expect.stringContaining('signature we calculated does not match'),
    },
  ])('answers $name as $error', async ({ run, error, status, message }) => {
    await expect(run(client)).rejects.toMatchObject({
      name: error,
      message,
      $metadata: { httpStatusCode: status },
    });
  });

  it.each([
    { fault: { kind: 'throttle' as const, times: 1 }, error: 'ThrottlingException', status: 429 },
    {
      fault: { kind: 'http' as const, status: 503, times: 1 },
      error: 'ServiceUnavailableException',
      status: 503,
    },
  ])('plays $error', async ({ fault, error, status }) => {
    eks.inject('DescribeCluster', fault);
    await expect(client.send(new DescribeClusterCommand({ name: 'production' }))).rejects.toMatchObject({
      name: error,
      $metadata: { httpStatusCode: status },
    });
  });
});
