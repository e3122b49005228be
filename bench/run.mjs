#!/usr/bin/env node
// `npm run bench`: every benchmark under bench/, one after the other, each printing its own figures.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
for (const name of ['cold-start.mjs', 'estimate.mjs']) {
  const file = join(here, name);
  if (!existsSync(file)) continue;
  console.log(`\n## bench/${name}`);
  const r = spawnSync(process.execPath, [file, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
