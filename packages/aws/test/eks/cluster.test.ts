import { EKSClient } from '@aws-sdk/client-eks';
import { describeError } from '@slipway/core';
import { describeEksCluster } from '../../src/eks/cluster.js';
import { EksStandIn, TEST_CREDENTIALS } from '../../../../test/stand-ins/index.js';

describe('describeEksCluster (over the EKS stand-in)', () => {
  const eks = new EksStandIn();
  let client: EKSClient;
  beforeAll(async () => {
    await eks.start();
    eks.addCluster({
      name: 'production',
      endpoint: 'https://A1.gr7.us-east-1.eks.amazonaws.com',
      caData: 'Q0E=',
      autoMode: true,
      version: '1.33',
    });
    eks.addCluster({
      name: 'classic',
      endpoint: 'https://B2.gr7.us-east-1.eks.amazonaws.com',
      caData: 'Q0I=',
    });
    eks.addCluster({ name: 'new', endpoint: 'https://C3', caData: 'Q0M=', status: 'CREATING' });
    client = new EKSClient({
      region: 'us-east-1',
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

  it.each([
    {
      name: 'production',
      expected: {
        endpoint: 'https://A1.gr7.us-east-1.eks.amazonaws.com',
        caData: 'Q0E=',
        autoMode: true,
        version: '1.33',
        status: 'ACTIVE',
      },
    },
    {
      name: 'classic',
      expected: { endpoint: 'https://B2.gr7.us-east-1.eks.amazonaws.com', caData: 'Q0I=', autoMode: false },
    },
  ])('reads $name', async ({ name, expected }) => {
    expect(await describeEksCluster(client, name)).toMatchObject({
      name,
      arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`,
      ...expected,
    });
  });

  it('refuses a cluster that is not ACTIVE', async () => {
    await expect(describeEksCluster(client, 'new')).rejects.toThrow(
      'EKS cluster new is CREATING, not ACTIVE: its API cannot take a deploy now',
    );
  });

  it('names a missing cluster as EKS does', async () => {
    const error = await describeEksCluster(client, 'ghost').catch((e: unknown) => e);
    expect(describeError(error)).toBe(
      'ResourceNotFoundException: No cluster found for name: ghost. (HTTP 404)',
    );
  });

  it('retries throttling with its own policy (the client makes one attempt)', async () => {
    eks.inject('DescribeCluster', { kind: 'throttle', times: 2 });
    eks.clearJournal();
    await expect(
      describeEksCluster(client, 'production', { sleep: () => Promise.resolve() }),
    ).resolves.toMatchObject({ name: 'production' });
    expect(eks.calls('DescribeCluster').map((c) => c.status)).toEqual([429, 429, 200]);
  });
});
