/**
 * Reading a kubeconfig (https://kubernetes.io/docs/reference/config-api/kubeconfig.v1/) into a connection: the
 * context's cluster (server, CA, `insecure-skip-tls-verify`, `tls-server-name`) and user (token, token file, client
 * certificate and key, basic auth, or an exec credential plugin such as `aws eks get-token` or
 * `gke-gcloud-auth-plugin`, per https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins).
 *
 * @kubernetes/client-node's KubeConfig does the same, but bundling it brings undici, openid-client and socks (2.3 MB
 * minified, more than the whole action's budget); this reader covers what a CI job hands over. The legacy
 * `auth-provider` entries (removed from kubectl) and `proxy-url` are refused with a clear message.
 * Messages never quote the kubeconfig: it holds credentials.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { execRunner } from './kustomize.js';
import type { CommandRunner } from './kustomize.js';
import { ServerClock } from './server-clock.js';
import { RenewingToken } from './token.js';
import type { TokenProvider } from './token.js';
import { isRecord } from './types.js';

/** TLS settings of a connection (PEM strings). */
export interface TlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
  insecureSkipVerify: boolean;
  serverName?: string;
}

/** How requests authenticate. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'token'; provider: TokenProvider }
  | { kind: 'basic'; username: string; password: string };

/** Everything needed to talk to one cluster. */
export interface ClusterConnection {
  contextName: string;
  server: string;
  tls: TlsSettings;
  credentials: Credentials;
  /** The context's namespace, if it names one. */
  namespace?: string;
}

/** Options of {@link loadKubeconfig}. */
export interface LoadKubeconfigOptions {
  /** Use this context instead of `current-context`. */
  context?: string;
  /** Relative certificate, key and token file paths are resolved against it. */
  baseDir?: string;
  /** Runs exec credential plugins. */
  runner?: CommandRunner;
  /** The server clock tokens are timed on. */
  clock?: ServerClock;
  /** Told of each token an exec plugin returns (the action masks it). */
  onToken?: (token: string) => void;
}

type Json = Record<string, unknown>;

function named(list: unknown, name: string, what: string): Json {
  const entries = Array.isArray(list) ? list.filter(isRecord) : [];
  const entry = entries.find((e) => e.name === name);
  if (entry === undefined) throw new Error(`the kubeconfig has no ${what} named ${JSON.stringify(name)}`);
  return isRecord(entry[what]) ? (entry[what] as Json) : {};
}

function fileOrData(entry: Json, fileKey: string, dataKey: string, baseDir: string): string | undefined {
  const data = entry[dataKey];
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64').toString('utf8');
  const file = entry[fileKey];
  if (typeof file === 'string' && file !== '') {
    try {
      return readFileSync(isAbsolute(file) ? file : resolve(baseDir, file), 'utf8');
    } catch (e) {
      throw new Error(
        `the kubeconfig's ${fileKey} cannot be read (${e instanceof Error && 'code' in e ? String((e as { code: unknown }).code) : 'error'})`,
        { cause: e },
      );
    }
  }
  return undefined;
}

/** An exec credential plugin's configuration (client.authentication.k8s.io). */
export interface ExecConfig {
  command: string;
  args: string[];
  env: Record<string, string>;
  apiVersion: string;
  provideClusterInfo: boolean;
  installHint?: string;
}

function execConfig(raw: Json): ExecConfig {
  if (typeof raw.command !== 'string' || raw.command === '')
    throw new Error('the kubeconfig user has an exec entry without a command');
  const env: Record<string, string> = {};
  for (const e of Array.isArray(raw.env) ? raw.env.filter(isRecord) : [])
    env[String(e.name)] = String(e.value ?? '');
  return {
    command: raw.command,
    args: Array.isArray(raw.args) ? raw.args.map(String) : [],
    env,
    apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : 'client.authentication.k8s.io/v1beta1',
    provideClusterInfo: raw.provideClusterInfo === true,
    ...(typeof raw.installHint === 'string' ? { installHint: raw.installHint } : {}),
  };
}

/**
 * A token provider that runs an exec credential plugin, keeps its token until `expirationTimestamp` (a minute
 * before), and runs it again after a 401. The plugin gets KUBERNETES_EXEC_INFO as kubectl passes it.
 */
export function execTokenProvider(
  exec: ExecConfig,
  cluster: { server: string; caData?: string; insecureSkipVerify: boolean; serverName?: string },
  opts: { runner: CommandRunner; clock: ServerClock; baseDir: string; onToken?: (token: string) => void },
): TokenProvider {
  return new RenewingToken(
    async (now) => {
      const info = {
        apiVersion: exec.apiVersion,
        kind: 'ExecCredential',
        spec: {
          interactive: false,
          ...(exec.provideClusterInfo
            ? {
                cluster: {
                  server: cluster.server,
                  ...(cluster.caData === undefined ? {} : { 'certificate-authority-data': cluster.caData }),
                  'insecure-skip-tls-verify': cluster.insecureSkipVerify,
                  ...(cluster.serverName === undefined ? {} : { 'tls-server-name': cluster.serverName }),
                },
              }
            : {}),
        },
      };
      let result;
      try {
        result = await opts.runner(exec.command, exec.args, {
          cwd: opts.baseDir,
          env: { ...exec.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) },
        });
      } catch (e) {
        const hint = exec.installHint === undefined ? '' : ` ${exec.installHint}`;
        throw new Error(
          `the kubeconfig's credential plugin ${exec.command} could not run (${e instanceof Error ? e.message : String(e)}).${hint}`,
          { cause: e },
        );
      }
      if (result.exitCode !== 0) {
        throw new Error(
          `the kubeconfig's credential plugin ${exec.command} failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-2).join(' ')}`,
        );
      }
      let credential: Json;
      try {
        credential = JSON.parse(result.stdout) as Json;
      } catch {
        throw new Error(
          `the kubeconfig's credential plugin ${exec.command} did not print an ExecCredential (JSON)`,
        );
      }
      const status = isRecord(credential.status) ? credential.status : {};
      if (typeof status.token !== 'string' || status.token === '') {
        throw new Error(
          `the kubeconfig's credential plugin ${exec.command} returned no token (client certificates from plugins are not supported)`,
        );
      }
      opts.onToken?.(status.token);
      const expires =
        typeof status.expirationTimestamp === 'string' ? Date.parse(status.expirationTimestamp) : Number.NaN;
      // An expiry is on the plugin's (local) clock; carry the remaining time over to the server's.
      const remaining = Number.isNaN(expires) ? 15 * 60 * 1000 : expires - Date.now();
      return { token: status.token, expiresAt: now + remaining };
    },
    { clock: opts.clock, renewBeforeMs: 60_000 },
  );
}

/**
 * Resolves a kubeconfig's context (the current one unless told) into a connection.
 * @throws Error naming what is missing or unsupported, without quoting the file
 */
export function loadKubeconfig(text: string, opts: LoadKubeconfigOptions = {}): ClusterConnection {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    const line =
      isRecord(e) && Array.isArray(e.linePos) && isRecord(e.linePos[0])
        ? ` at line ${String(e.linePos[0].line)}`
        : '';
    // eslint-disable-next-line preserve-caught-error -- the parser's message quotes the kubeconfig, which holds credentials
    throw new Error(`the kubeconfig is not valid YAML${line}`);
  }
  if (!isRecord(doc)) throw new Error('the kubeconfig is not a YAML mapping');
  const contextName =
    opts.context ??
    (typeof doc['current-context'] === 'string' && doc['current-context'] !== ''
      ? doc['current-context']
      : undefined);
  const contexts = Array.isArray(doc.contexts) ? doc.contexts.filter(isRecord) : [];
  const chosen = contextName ?? (contexts.length === 1 ? String(contexts[0]?.name) : undefined);
  if (chosen === undefined)
    throw new Error('the kubeconfig has no current-context; name one with the context input');
  const context = named(doc.contexts, chosen, 'context');
  const cluster = named(doc.clusters, String(context.cluster ?? ''), 'cluster');
  const user = context.user === undefined ? {} : named(doc.users, String(context.user), 'user');
  const baseDir = opts.baseDir ?? process.cwd();

  const server = cluster.server;
  if (typeof server !== 'string' || !/^https?:\/\//.test(server))
    throw new Error(`the kubeconfig's cluster ${String(context.cluster)} has no https:// server`);
  if (cluster['proxy-url'] !== undefined)
    throw new Error('the kubeconfig uses proxy-url, which Slipway does not support');
  const insecureSkipVerify = cluster['insecure-skip-tls-verify'] === true;
  if (server.startsWith('http://') && !insecureSkipVerify) {
    throw new Error(
      `the kubeconfig's cluster ${String(context.cluster)} uses plain http:// without insecure-skip-tls-verify`,
    );
  }
  const tls: TlsSettings = { insecureSkipVerify };
  const ca = fileOrData(cluster, 'certificate-authority', 'certificate-authority-data', baseDir);
  if (ca !== undefined) tls.ca = ca;
  if (typeof cluster['tls-server-name'] === 'string') tls.serverName = cluster['tls-server-name'];
  const cert = fileOrData(user, 'client-certificate', 'client-certificate-data', baseDir);
  const key = fileOrData(user, 'client-key', 'client-key-data', baseDir);
  if ((cert === undefined) !== (key === undefined))
    throw new Error(
      'the kubeconfig user has a client certificate without its key (or a key without its certificate)',
    );
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  if (user['auth-provider'] !== undefined) {
    throw new Error(
      'the kubeconfig user uses an auth-provider, which kubectl no longer supports: use an exec credential plugin (gke-gcloud-auth-plugin, kubelogin) or a token',
    );
  }

  let credentials: Credentials = { kind: 'none' };
  const clock = opts.clock ?? new ServerClock();
  if (typeof user.token === 'string' && user.token !== '') {
    const token = user.token;
    credentials = {
      kind: 'token',
      provider: { get: () => Promise.resolve(token), invalidate: () => undefined },
    };
  } else if (typeof user.tokenFile === 'string' && user.tokenFile !== '') {
    const file = isAbsolute(user.tokenFile) ? user.tokenFile : resolve(baseDir, user.tokenFile);
    // Re-read on every request, as client-go does: the file may be rotated.
    credentials = {
      kind: 'token',
      provider: {
        get: () => Promise.resolve(readFileSync(file, 'utf8').trim()),
        invalidate: () => undefined,
      },
    };
  } else if (isRecord(user.exec)) {
    credentials = {
      kind: 'token',
      provider: execTokenProvider(
        execConfig(user.exec),
        {
          server,
          ...(typeof cluster['certificate-authority-data'] === 'string'
            ? { caData: cluster['certificate-authority-data'] }
            : {}),
          insecureSkipVerify,
          ...(tls.serverName === undefined ? {} : { serverName: tls.serverName }),
        },
        {
          runner: opts.runner ?? execRunner,
          clock,
          baseDir,
          ...(opts.onToken === undefined ? {} : { onToken: opts.onToken }),
        },
      ),
    };
  } else if (typeof user.username === 'string' && typeof user.password === 'string') {
    credentials = { kind: 'basic', username: user.username, password: user.password };
  }
  return {
    contextName: chosen,
    server,
    tls,
    credentials,
    ...(typeof context.namespace === 'string' && context.namespace !== ''
      ? { namespace: context.namespace }
      : {}),
  };
}
