// ECR repository set-up: the pure plan in tables, then plans applied through the real SDK to the ECR stand-in.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ECRClient } from '@aws-sdk/client-ecr';
import { EcrStandIn, TEST_CREDENTIALS } from '../../../../test/stand-ins/index.js';
import {
  applyEcrRepository,
  describeEcrRepository,
  describeEcrStep,
  planEcrRepository,
} from '../../src/ecr/index.js';
import type { EcrRepositorySettings, ObservedEcrRepository } from '../../src/ecr/index.js';

const POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
});

const base: EcrRepositorySettings = {
  scanOnPush: true,
  tagMutability: 'MUTABLE',
  lifecyclePolicy: undefined,
};
const existing = (scanOnPush: boolean, tagMutability: string): ObservedEcrRepository => ({
  exists: true,
  uri: 'x',
  scanOnPush,
  tagMutability,
});

describe('planEcrRepository', () => {
  it.each([
    [
      'creates a missing repository with its settings',
      { exists: false } as ObservedEcrRepository,
      base,
      [{ action: 'create', scanOnPush: true, tagMutability: 'MUTABLE' }],
      [],
    ],
    [
      'creates, then puts the lifecycle policy',
      { exists: false } as ObservedEcrRepository,
      { ...base, tagMutability: 'IMMUTABLE', lifecyclePolicy: POLICY },
      [
        { action: 'create', scanOnPush: true, tagMutability: 'IMMUTABLE' },
        { action: 'put-lifecycle-policy', lifecyclePolicyText: POLICY },
      ],
      [],
    ],
    ['changes nothing on a matching repository', existing(true, 'MUTABLE'), base, [], []],
    [
      'switches scan on push',
      existing(false, 'MUTABLE'),
      base,
      [{ action: 'put-image-scanning-configuration', scanOnPush: true }],
      [],
    ],
    [
      'leaves tag mutability alone and warns',
      existing(true, 'IMMUTABLE'),
      base,
      [],
      ['ECR repository team/web has tag mutability IMMUTABLE, not MUTABLE; left as it is'],
    ],
    [
      'accepts IMMUTABLE_WITH_EXCLUSION as immutable',
      existing(true, 'IMMUTABLE_WITH_EXCLUSION'),
      { ...base, tagMutability: 'IMMUTABLE' },
      [],
      [],
    ],
    [
      'puts the lifecycle policy on an existing repository',
      existing(true, 'MUTABLE'),
      { ...base, lifecyclePolicy: POLICY },
      [{ action: 'put-lifecycle-policy', lifecyclePolicyText: POLICY }],
      [],
    ],
  ] as const)('%s', (_what, observed, desired, steps, warnings) => {
    const plan = planEcrRepository('team/web', undefined, observed, desired as EcrRepositorySettings);
    expect(plan).toEqual({ repositoryName: 'team/web', registryId: undefined, steps, warnings });
  });

  it.each([
    [
      { action: 'create', scanOnPush: true, tagMutability: 'IMMUTABLE' },
      'create ECR repository r (scan on push: on, tags: immutable)',
    ],
    [
      { action: 'put-image-scanning-configuration', scanOnPush: false },
      'turn scan on push off for ECR repository r',
    ],
    [
      { action: 'put-lifecycle-policy', lifecyclePolicyText: '{}' },
      'put the lifecycle policy of ECR repository r',
    ],
  ] as const)('describes %j', (step, text) => {
    expect(
      describeEcrStep({ repositoryName: 'r', registryId: undefined, steps: [], warnings: [] }, step),
    ).toBe(text);
  });
});

describe('against the ECR stand-in', () => {
  const ecr = new EcrStandIn({ registryId: '444455556666', region: 'us-east-1' });
  let client: ECRClient;
  const fast = { baseDelayMs: 1, maxDelayMs: 2 };

  beforeAll(async () => {
    const endpoint = await ecr.start();
    client = new ECRClient({
      endpoint,
      region: 'us-east-1',
      credentials: { ...TEST_CREDENTIALS },
      maxAttempts: 1,
    });
  });
  afterAll(() => ecr.stop());
  afterEach(() => {
    ecr.clearFaults();
    ecr.clearJournal();
  });

  it('creates a missing repository with scan on push, immutable tags and a lifecycle policy', async () => {
    const observed = await describeEcrRepository(client, 'orders/api', undefined, fast);
    const plan = planEcrRepository('orders/api', undefined, observed, {
      scanOnPush: true,
      tagMutability: 'IMMUTABLE',
      lifecyclePolicy: POLICY,
    });
    await applyEcrRepository(client, plan, fast);

    expect(observed).toEqual({ exists: false });
    const state = ecr.repository('orders/api');
    expect(state?.repository.imageScanningConfiguration).toEqual({ scanOnPush: true });
    expect(state?.repository.imageTagMutability).toBe('IMMUTABLE');
    expect(state?.lifecyclePolicyText).toBe(POLICY);
    expect(ecr.journal.map((e) => [e.operation, e.status])).toEqual([
      ['DescribeRepositories', 400],
      ['CreateRepository', 200],
      ['PutLifecyclePolicy', 200],
    ]);
  });

  it('reads an existing repository and switches its scanning on', async () => {
    ecr.seedRepository('legacy', { scanOnPush: false, imageTagMutability: 'MUTABLE' });
    const observed = await describeEcrRepository(client, 'legacy', '444455556666', fast);
    const plan = planEcrRepository('legacy', '444455556666', observed, { ...base });
    await applyEcrRepository(client, plan, fast);

    expect(observed).toEqual({
      exists: true,
      uri: '444455556666.dkr.ecr.us-east-1.amazonaws.com/legacy',
      scanOnPush: false,
      tagMutability: 'MUTABLE',
    });
    expect(ecr.repository('legacy')?.repository.imageScanningConfiguration).toEqual({ scanOnPush: true });
    expect(ecr.calls('PutImageScanningConfiguration')[0]?.body).toEqual({
      repositoryName: 'legacy',
      registryId: '444455556666',
      imageScanningConfiguration: { scanOnPush: true },
    });
  });

  it('takes a repository created meanwhile by another job as created', async () => {
    const plan = planEcrRepository('raced', undefined, { exists: false }, base);
    ecr.seedRepository('raced');
    await expect(applyEcrRepository(client, plan, fast)).resolves.toHaveLength(1);
    expect(ecr.calls('CreateRepository').map((c) => c.status)).toEqual([400]);
  });

  it('retries a throttled DescribeRepositories', async () => {
    ecr.inject('DescribeRepositories', { kind: 'throttle', times: 1 });
    await expect(describeEcrRepository(client, 'absent', undefined, fast)).resolves.toEqual({
      exists: false,
    });
    expect(ecr.calls('DescribeRepositories').map((c) => c.status)).toEqual([400, 400]);
  });

  it('fails on an invalid lifecycle policy with the service’s message', async () => {
    ecr.seedRepository('strict');
    const plan = planEcrRepository('strict', undefined, existing(true, 'MUTABLE'), {
      ...base,
      lifecyclePolicy: '{"x":1}',
    });
    await expect(applyEcrRepository(client, plan, fast)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('Lifecycle policy validation failure'),
    });
  });

  it('answers PutImageTagMutability, and refuses unknown values', async () => {
    ecr.seedRepository('mut');
    const { PutImageTagMutabilityCommand } = await import('@aws-sdk/client-ecr');
    await client.send(
      new PutImageTagMutabilityCommand({ repositoryName: 'mut', imageTagMutability: 'IMMUTABLE' }),
    );
    expect(ecr.repository('mut')?.repository.imageTagMutability).toBe('IMMUTABLE');
    await expect(
      client.send(
        new PutImageTagMutabilityCommand({
          repositoryName: 'mut',
          imageTagMutability: 'SOMETIMES' as 'MUTABLE',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});
