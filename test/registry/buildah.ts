// Buildah for tests, kept away from the machine's own image store: a storage.conf (vfs, a temp graph root) and a
// registries.conf marking the local registries as plain HTTP, passed by the standard CONTAINERS_* variables that
// the action's Buildah and skopeo read too; chroot isolation, which works without a user namespace. Also the
// busybox base image the fixture Dockerfile builds `FROM`.
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalRegistry } from './registry.js';

/** Environment for Buildah and skopeo, and the directory to remove afterwards. */
export interface BuildahEnv {
  env: Record<string, string>;
  dir: string;
  remove(): Promise<void>;
}

/** A storage and registries configuration under a fresh temp directory. */
export async function createBuildahEnv(insecureHosts: string[]): Promise<BuildahEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-buildah-'));
  const storage = join(dir, 'storage.conf');
  await writeFile(
    storage,
    `[storage]\ndriver = "vfs"\ngraphroot = ${JSON.stringify(join(dir, 'graph'))}\nrunroot = ${JSON.stringify(join(dir, 'run'))}\n`,
  );
  const registries = join(dir, 'registries.conf');
  await writeFile(
    registries,
    `unqualified-search-registries = []\n${insecureHosts
      .map((host) => `\n[[registry]]\nlocation = ${JSON.stringify(host)}\ninsecure = true\n`)
      .join('')}`,
  );
  return {
    dir,
    env: {
      CONTAINERS_STORAGE_CONF: storage,
      CONTAINERS_REGISTRIES_CONF: registries,
      BUILDAH_ISOLATION: 'chroot',
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs a program to completion; rejects with its output on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`)),
    );
    child.stdin.end(input ?? '');
  });
}

const APPLETS = ['sh', 'cat', 'echo', 'test', 'ls', 'mkdir', 'sha256sum', 'true'];

/**
 * Builds a base image holding only a static busybox (a shell for `RUN`) and pushes it to `registry` as
 * `base:1`; resolves to its name. `FROM scratch` + `COPY rootfs/ /`, so nothing is pulled from the internet.
 */
export async function pushBusyboxBase(registry: LocalRegistry, buildah: BuildahEnv): Promise<string> {
  const context = join(buildah.dir, 'base');
  const bin = join(context, 'rootfs', 'bin');
  await mkdir(bin, { recursive: true });
  await mkdir(join(context, 'rootfs', 'tmp'), { recursive: true });
  await copyFile('/bin/busybox', join(bin, 'busybox'));
  await chmod(join(bin, 'busybox'), 0o755);
  for (const applet of APPLETS) await symlink('busybox', join(bin, applet));
  await writeFile(join(context, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\n');
  const name = `${registry.host}/base:1`;
  await run('buildah', ['bud', '--quiet', '--tag', name, context], buildah.env);
  await run('buildah', ['push', '--quiet', '--tls-verify=false', name, `docker://${name}`], buildah.env);
  return name;
}
