import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { loadKubeconfig } from '../src/kubeconfig.js';
import type { CommandRunner } from '../src/kustomize.js';
import { ServerClock } from '../src/server-clock.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function config(
  user: Record<string, unknown>,
  cluster: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'c',
        cluster: {
          server: 'https://k8s.example.com:6443',
          'certificate-authority-data': b64(CA),
          ...cluster,
        },
      },
    ],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'team' } }],
    'current-context': 'ctx',
    ...extra,
  });
}

describe('loadKubeconfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-kubeconfig-'));
    await writeFile(join(dir, 'client.crt'), 'CERT-PEM');
    await writeFile(join(dir, 'client.key'), 'KEY-PEM');
    await writeFile(join(dir, 'token'), 'file-token\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the current context: server, CA, namespace and a static token', async () => {
    const c = loadKubeconfig(config({ token: 'abc' }));
    expect({
      server: c.server,
      ca: c.tls.ca,
      namespace: c.namespace,
      context: c.contextName,
      insecure: c.tls.insecureSkipVerify,
    }).toEqual({
      server: 'https://k8s.example.com:6443',
      ca: CA,
      namespace: 'team',
      context: 'ctx',
      insecure: false,
    });
    expect(c.credentials.kind === 'token' && (await c.credentials.provider.get())).toBe('abc');
  });

  it.each([
    {
      name: 'inline client certificate',
      user: { 'client-certificate-data': b64('CERT-PEM'), 'client-key-data': b64('KEY-PEM') },
    },
    {
      name: 'client certificate files relative to the base directory',
      user: { 'client-certificate': 'client.crt', 'client-key': 'client.key' },
    },
  ])('reads a $name', ({ user }) => {
    const c = loadKubeconfig(config(user), { baseDir: dir });
    expect({ cert: c.tls.cert, key: c.tls.key, credentials: c.credentials.kind }).toEqual({
      cert: 'CERT-PEM',
      key: 'KEY-PEM',
      credentials: 'none',
    });
  });

  it('re-reads a tokenFile on every request', async () => {
    const c = loadKubeconfig(config({ tokenFile: 'token' }), { baseDir: dir });
    expect(c.credentials.kind === 'token' && (await c.credentials.provider.get())).toBe('file-token');
  });

  it('runs an exec credential plugin with KUBERNETES_EXEC_INFO, keeps its token until it expires, and reruns it', async () => {
    const calls: Array<{ command: string; args: string[]; info: unknown }> = [];
    let local = 0;
    const runner: CommandRunner = (command, args, opts) => {
      calls.push({ command, args, info: JSON.parse(opts.env?.KUBERNETES_EXEC_INFO ?? '{}') });
      const expiration = new Date(Date.now() + 10 * 60_000).toISOString();
      return Promise.resolve({
        exitCode: 0,
        stderr: '',
        stdout: JSON.stringify({
          apiVersion: 'client.authentication.k8s.io/v1',
          kind: 'ExecCredential',
          status: { token: `exec-${calls.length}`, expirationTimestamp: expiration },
        }),
      });
    };
    const seen: string[] = [];
    const c = loadKubeconfig(
      config({
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: 'aws',
          args: ['eks', 'get-token'],
          provideClusterInfo: true,
          env: [{ name: 'AWS_PROFILE', value: 'ci' }],
        },
      }),
      { runner, clock: new ServerClock(() => local), onToken: (t) => seen.push(t) },
    );
    if (c.credentials.kind !== 'token') throw new Error('expected a token provider');
    expect(await c.credentials.provider.get()).toBe('exec-1');
    expect(await c.credentials.provider.get()).toBe('exec-1');
    local += 9.5 * 60_000;
    expect(await c.credentials.provider.get()).toBe('exec-2');
    c.credentials.provider.invalidate();
    expect(await c.credentials.provider.get()).toBe('exec-3');
    expect(seen).toEqual(['exec-1', 'exec-2', 'exec-3']);
    expect(calls[0]).toEqual({
      command: 'aws',
      args: ['eks', 'get-token'],
      info: {
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        spec: {
          interactive: false,
          cluster: {
            server: 'https://k8s.example.com:6443',
            'certificate-authority-data': b64(CA),
            'insecure-skip-tls-verify': false,
          },
        },
      },
    });
  });

  it.each([
    {
      exitCode: 1,
      stdout: '',
      stderr: 'Unable to locate credentials',
      message: /credential plugin aws failed \(exit 1\): Unable to locate credentials/,
    },
    { exitCode: 0, stdout: 'not json', stderr: '', message: /did not print an ExecCredential/ },
    { exitCode: 0, stdout: '{"status":{}}', stderr: '', message: /returned no token/ },
  ])('explains a failing plugin: $message', async ({ exitCode, stdout, stderr, message }) => {
    const runner: CommandRunner = () => Promise.resolve({ exitCode, stdout, stderr });
    const c = loadKubeconfig(config({ exec: { command: 'aws', args: [] } }), { runner });
    if (c.credentials.kind !== 'token') throw new Error('expected a token provider');
    await expect(c.credentials.provider.get()).rejects.toThrow(message);
  });

  it.each([
    { name: 'invalid YAML', text: 'clusters: [\n', message: 'the kubeconfig is not valid YAML at line 2' },
    {
      name: 'no current context among several',
      text: config(
        { token: 'x' },
        {},
        {
          'current-context': '',
          contexts: [
            { name: 'a', context: { cluster: 'c', user: 'u' } },
            { name: 'b', context: { cluster: 'c', user: 'u' } },
          ],
        },
      ),
      message: 'the kubeconfig has no current-context; name one with the context input',
    },
    {
      name: 'an unknown cluster',
      text: config(
        { token: 'x' },
        {},
        { contexts: [{ name: 'ctx', context: { cluster: 'nope', user: 'u' } }] },
      ),
      message: 'the kubeconfig has no cluster named "nope"',
    },
    {
      name: 'an auth-provider',
      text: config({ 'auth-provider': { name: 'gcp' } }),
      message: /auth-provider, which kubectl no longer supports/,
    },
    {
      name: 'a proxy',
      text: config({ token: 'x' }, { 'proxy-url': 'http://proxy:3128' }),
      message: 'the kubeconfig uses proxy-url, which Slipway does not support',
    },
    {
      name: 'plain http',
      text: config({ token: 'x' }, { server: 'http://k8s:8080' }),
      message: "the kubeconfig's cluster c uses plain http:// without insecure-skip-tls-verify",
    },
    {
      name: 'a certificate without its key',
      text: config({ 'client-certificate-data': b64('C') }),
      message: /without its key/,
    },
  ])('refuses $name without quoting the file', ({ text, message }) => {
    expect(() => loadKubeconfig(text)).toThrow(message);
  });

  it('picks the context it is told to', () => {
    const text = config(
      { token: 'x' },
      {},
      {
        contexts: [
          { name: 'ctx', context: { cluster: 'c', user: 'u' } },
          { name: 'other', context: { cluster: 'c', user: 'u', namespace: 'ops' } },
        ],
      },
    );
    expect(loadKubeconfig(text, { context: 'other' }).namespace).toBe('ops');
    expect(() => loadKubeconfig(text, { context: 'missing' })).toThrow(
      'the kubeconfig has no context named "missing"',
    );
  });

  it.each([
    { name: 'token', user: { token: 'abc' }, cluster: {} },
    {
      name: 'client certificate',
      user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
      cluster: { 'tls-server-name': 'api.internal' },
    },
    {
      name: 'insecure',
      user: { token: 'abc' },
      cluster: { 'insecure-skip-tls-verify': true, 'certificate-authority-data': undefined },
    },
  ])('agrees with @kubernetes/client-node on a $name kubeconfig', async ({ user, cluster }) => {
    const text = config(user, cluster);
    const kc = new KubeConfig();
    kc.loadFromString(text);
    const opts: {
      headers?: Record<string, string>;
      ca?: Buffer;
      cert?: Buffer;
      key?: Buffer;
      rejectUnauthorized?: boolean;
      servername?: string;
    } = {};
    await kc.applyToHTTPSOptions(opts as never);
    const ours = loadKubeconfig(text);
    const token =
      ours.credentials.kind === 'token' ? `Bearer ${await ours.credentials.provider.get()}` : undefined;
    expect({
      server: ours.server,
      ca: ours.tls.ca,
      cert: ours.tls.cert,
      key: ours.tls.key,
      reject: !ours.tls.insecureSkipVerify,
      servername: ours.tls.serverName,
      authorization: token,
    }).toEqual({
      server: kc.getCurrentCluster()?.server,
      ca: opts.ca?.toString(),
      cert: opts.cert?.toString(),
      key: opts.key?.toString(),
      reject: opts.rejectUnauthorized ?? true,
      servername: opts.servername,
      authorization: opts.headers?.Authorization,
    });
  });
});
