// The real @aws-sdk/client-ecr over HTTP against the ECR stand-in: signing, errors, env configuration.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import type { ECRClientConfig } from '@aws-sdk/client-ecr';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { EcrStandIn } from './ecr.js';
import { TEST_CREDENTIALS } from './aws-json.js';
import type { AwsCredential } from './sigv4.js';

const ecr = new EcrStandIn({ registryId: '210987654321', region: 'eu-west-1' });
let endpoint: string;

beforeAll(async () => {
  endpoint = await ecr.start();
});
afterAll(() => ecr.stop());
afterEach(() => {
  ecr.clearFaults();
  ecr.clearJournal();
});

function client(
  overrides: Partial<ECRClientConfig> = {},
  credentials: AwsCredential = TEST_CREDENTIALS,
): ECRClient {
  return new ECRClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { ...credentials },
    maxAttempts: 1,
    ...overrides,
  });
}

/** The name of whatever a promise rejects with, with its HTTP status. */
async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; status: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected a rejection');
}

/** A request signed by hand, so that tests can break it after signing. */
async function signedRequest(target: string, body: string, credential: AwsCredential = TEST_CREDENTIALS) {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    credentials: credential,
    region: 'eu-west-1',
    service: 'ecr',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${target}`,
    },
    body,
  });
  return signed.headers;
}

describe('ECR stand-in through the real SDK', () => {
  it('answers GetAuthorizationToken, CreateRepository and DescribeRepositories to a correctly signed client', async () => {
    const sdk = client();
    const token = await sdk.send(new GetAuthorizationTokenCommand({}));
    const created = await sdk.send(
      new CreateRepositoryCommand({
        repositoryName: 'team/web',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    const described = await sdk.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/web'] }));

    const data = token.authorizationData?.[0];
    const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
    expect(decoded).toBe(`AWS:${ecr.issuedTokens[0]?.password}`);
    expect(data?.expiresAt).toBeInstanceOf(Date);
    expect(data?.expiresAt?.getTime()).toBe(Math.round(ecr.issuedTokens[0]?.expiresAt ?? 0));
    expect(data?.proxyEndpoint).toBe('https://210987654321.dkr.ecr.eu-west-1.amazonaws.com');
    expect(created.repository?.repositoryUri).toBe('210987654321.dkr.ecr.eu-west-1.amazonaws.com/team/web');
    expect(created.repository?.createdAt).toBeInstanceOf(Date);
    expect(described.repositories).toEqual([
      expect.objectContaining({
        repositoryName: 'team/web',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        repositoryArn: 'arn:aws:ecr:eu-west-1:210987654321:repository/team/web',
      }),
    ]);
    expect(ecr.journal.map((entry) => [entry.operation, entry.status])).toEqual([
      ['GetAuthorizationToken', 200],
      ['CreateRepository', 200],
      ['DescribeRepositories', 200],
    ]);
    expect(ecr.calls('CreateRepository')[0]?.body).toEqual(
      expect.objectContaining({ repositoryName: 'team/web', imageTagMutability: 'IMMUTABLE' }),
    );
    expect(String(ecr.journal[0]?.headers['authorization'])).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIASLIPWAYSTANDIN01\/\d{8}\/eu-west-1\/ecr\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('is reached by a client configured only through the environment (AWS_ENDPOINT_URL_ECR and friends)', async () => {
    const names = [
      'AWS_ENDPOINT_URL_ECR',
      'AWS_REGION',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
    ];
    const saved = new Map(names.map((name) => [name, process.env[name]]));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_ECR: endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    });
    delete process.env['AWS_SESSION_TOKEN'];
    try {
      const sdk = new ECRClient({});
      await sdk.send(new CreateRepositoryCommand({ repositoryName: 'env/route' }));
      const described = await sdk.send(new DescribeRepositoriesCommand({ repositoryNames: ['env/route'] }));
      expect(described.repositories?.[0]?.repositoryName).toBe('env/route');
      expect(ecr.journal.map((entry) => entry.operation)).toEqual([
        'CreateRepository',
        'DescribeRepositories',
      ]);
      expect(ecr.journal.every((entry) => entry.status === 200)).toBe(true);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it.each([
    {
      case: 'a wrong secret',
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' },
      name: 'InvalidSignatureException',
      message: /^The request signature we calculated does not match the signature you provided/,
    },
    {
      case: 'an unknown access key',
      credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'whatever' },
      name: 'UnrecognizedClientException',
      message: /^The security token included in the request is invalid\.$/,
    },
    {
      case: 'a session token the key does not have',
      credentials: { ...TEST_CREDENTIALS, sessionToken: 'forged' },
      name: 'UnrecognizedClientException',
      message: /^The security token included in the request is invalid\.$/,
    },
  ])(
    'rejects $case with $name (HTTP 400, as AWS JSON services answer)',
    async ({ credentials, name, message }) => {
      const result = await failure(client({}, credentials).send(new DescribeRepositoriesCommand({})));
      expect(result).toEqual({ name, status: 400, message: expect.stringMatching(message) });
      expect(ecr.calls('DescribeRepositories').map((entry) => entry.status)).toEqual([400]);
    },
  );

  it('accepts temporary credentials whose session token matches the table', async () => {
    const temporary = {
      accessKeyId: 'ASIATEMPORARY0000001',
      secretAccessKey: 'temp-secret',
      sessionToken: 'session-1',
    };
    ecr.addCredential(temporary);
    const output = await client({}, temporary).send(new DescribeRepositoriesCommand({}));
    expect(output.repositories).toBeInstanceOf(Array);
    expect(ecr.journal[0]?.headers['x-amz-security-token']).toBe('session-1');
    const withoutToken = await failure(
      client({}, { accessKeyId: temporary.accessKeyId, secretAccessKey: temporary.secretAccessKey }).send(
        new DescribeRepositoriesCommand({}),
      ),
    );
    expect(withoutToken.name).toBe('UnrecognizedClientException');
  });

  it('rejects a body changed after signing, and a request without Authorization', async () => {
    const headers = await signedRequest('DescribeRepositories', '{}');
    const tampered = await fetch(endpoint, { method: 'POST', headers, body: '{"repositoryNames":["x"]}' });
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toEqual({
      __type: 'InvalidSignatureException',
      message: expect.stringMatching(/does not match the signature you provided/),
    });
    const intact = await fetch(endpoint, { method: 'POST', headers, body: '{}' });
    expect(intact.status).toBe(200);
    expect(intact.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);

    const anonymous = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': headers['x-amz-target'] ?? '',
      },
      body: '{}',
    });
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await anonymous.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('answers UnknownOperationException for an operation it does not serve', async () => {
    const headers = await signedRequest('ListImages', '{"repositoryName":"x"}');
    const response = await fetch(endpoint, { method: 'POST', headers, body: '{"repositoryName":"x"}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException' });
    expect(ecr.journal[0]?.operation).toBe('ListImages');
  });

  it('refuses a signature older than 15 minutes on its own clock, and the SDK corrects its skew from Date', async () => {
    ecr.advance(20 * 60 * 1000);
    try {
      const expired = await failure(client().send(new DescribeRepositoriesCommand({})));
      expect(expired.name).toBe('InvalidSignatureException');
      expect(expired.message).toMatch(
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
      );

      // With its own retries on, the SDK reads the stand-in's Date header, shifts its clock and signs again.
      const corrected = client({ maxAttempts: 2 });
      await corrected.send(new DescribeRepositoriesCommand({}));
      expect(ecr.calls('DescribeRepositories').map((entry) => entry.status)).toEqual([400, 400, 200]);
    } finally {
      ecr.advance(-20 * 60 * 1000);
    }
  });
});

describe('ECR semantics', () => {
  it.each([
    {
      case: 'an existing name',
      name: 'dup/repo',
      error: 'RepositoryAlreadyExistsException',
      message: "The repository with name 'dup/repo' already exists in the registry with id '210987654321'",
    },
    {
      case: 'an invalid name',
      name: 'Bad_Name',
      error: 'InvalidParameterException',
      message: expect.stringMatching(/^Invalid parameter at 'repositoryName'/) as unknown as string,
    },
  ])('CreateRepository rejects $case with $error', async ({ name, error, message }) => {
    if (ecr.repository('dup/repo') === undefined) ecr.seedRepository('dup/repo');
    const result = await failure(client().send(new CreateRepositoryCommand({ repositoryName: name })));
    expect(result).toEqual({ name: error, status: 400, message });
  });

  it('DescribeRepositories names the missing repository', async () => {
    const result = await failure(
      client().send(new DescribeRepositoriesCommand({ repositoryNames: ['missing/one'] })),
    );
    expect(result).toEqual({
      name: 'RepositoryNotFoundException',
      status: 400,
      message: "The repository with name 'missing/one' does not exist in the registry with id '210987654321'",
    });
  });

  it('DescribeRepositories pages with maxResults and nextToken', async () => {
    for (const name of ['page/a', 'page/b', 'page/c']) ecr.seedRepository(name);
    const all: string[] = [];
    let nextToken: string | undefined;
    const pages: number[] = [];
    do {
      const page = await client().send(new DescribeRepositoriesCommand({ maxResults: 2, nextToken }));
      pages.push(page.repositories?.length ?? 0);
      all.push(...(page.repositories ?? []).map((repository) => repository.repositoryName ?? ''));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(all).toEqual(expect.arrayContaining(['page/a', 'page/b', 'page/c']));
    expect(new Set(all).size).toBe(all.length);
    expect(pages.every((count) => count <= 2)).toBe(true);
    expect(pages.length).toBe(Math.ceil(all.length / 2));
  });

  it('PutLifecyclePolicy stores a valid policy and rejects one without rules', async () => {
    ecr.seedRepository('policy/repo');
    const text = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 },
          action: { type: 'expire' },
        },
      ],
    });
    const output = await client().send(
      new PutLifecyclePolicyCommand({ repositoryName: 'policy/repo', lifecyclePolicyText: text }),
    );
    expect(output).toEqual(
      expect.objectContaining({
        repositoryName: 'policy/repo',
        lifecyclePolicyText: text,
        registryId: '210987654321',
      }),
    );
    expect(ecr.repository('policy/repo')?.lifecyclePolicyText).toBe(text);

    const invalid = await failure(
      client().send(
        new PutLifecyclePolicyCommand({ repositoryName: 'policy/repo', lifecyclePolicyText: '{}' }),
      ),
    );
    expect(invalid.name).toBe('InvalidParameterException');
    const missing = await failure(
      client().send(
        new PutLifecyclePolicyCommand({ repositoryName: 'policy/none', lifecyclePolicyText: text }),
      ),
    );
    expect(missing.name).toBe('RepositoryNotFoundException');
    expect(ecr.repository('policy/repo')?.lifecyclePolicyText).toBe(text);
  });

  it('GetAuthorizationToken expires 12 hours after the stand-in clock', async () => {
    const before = ecr.now();
    const output = await client().send(new GetAuthorizationTokenCommand({}));
    const expiresAt = output.authorizationData?.[0]?.expiresAt?.getTime() ?? 0;
    expect(expiresAt - before).toBeGreaterThanOrEqual(12 * 3600 * 1000 - 1000);
    expect(expiresAt - before).toBeLessThanOrEqual(12 * 3600 * 1000 + 5000);
  });
});
