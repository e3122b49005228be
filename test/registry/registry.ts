// A real OCI registry for tests: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 and a free port,
// optionally behind htpasswd basic auth (bcrypt), as ECR's `AWS:<token>` login and Artifact Registry's
// `oauth2accesstoken:<token>` login look to a client. Started per test file, stopped after.
//
//   const registry = await startRegistry({ users: { AWS: token } });
//   … push to `${registry.host}/team/app` …
//   await registry.stop();
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running registry. */
export interface LocalRegistry {
  /** `127.0.0.1:PORT`, the host part of image names. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Users and passwords, when the registry asks for them. */
  users: Record<string, string> | undefined;
  /** Stops the registry and removes its storage. */
  stop(): Promise<void>;
}

/** Options of {@link startRegistry}. */
export interface RegistryOptions {
  /** htpasswd users (bcrypt): the registry then answers 401 without basic auth. */
  users?: Record<string, string>;
  /** Refuse every write (distribution's read-only maintenance mode): logins work, pushes fail. */
  readOnly?: boolean;
}

/** A port the kernel says is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function htpasswdLine(user: string, password: string): string {
  // -i reads the password from stdin, so it never shows in a process list.
  const r = spawnSync('htpasswd', ['-niB', user], { input: `${password}\n`, encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`htpasswd failed (is apache2-utils installed?): ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer ${url}/v2/ within 15 s:\n${log()}`);
}

/** Starts `docker-registry serve` with a fresh config and storage; resolves once `/v2/` answers. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-registry-'));
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log: { level: error, accesslog: { disabled: true } }',
    'storage:',
    `  filesystem: { rootdirectory: ${JSON.stringify(join(dir, 'data'))} }`,
    '  delete: { enabled: true }',
    ...(opts.readOnly ? ['  maintenance: { readonly: { enabled: true } }'] : []),
    `http: { addr: "127.0.0.1:${port}" }`,
  ];
  if (opts.users !== undefined) {
    const htpasswd = join(dir, 'htpasswd');
    await writeFile(
      htpasswd,
      `${Object.entries(opts.users)
        .map(([u, p]) => htpasswdLine(u, p))
        .join('\n')}\n`,
    );
    lines.push(`auth: { htpasswd: { realm: slipway-test, path: ${JSON.stringify(htpasswd)} } }`);
  }
  const config = join(dir, 'config.yml');
  await writeFile(config, `${lines.join('\n')}\n`);
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e) =>
      reject(new Error(`could not start docker-registry (is it installed?): ${e.message}`)),
    );
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await spawned;
    await waitUntilUp(url, child, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { host: `127.0.0.1:${port}`, url, users: opts.users, stop };
}
