#!/usr/bin/env node
// `npm run bench`: every benchmark under bench/, one after the other, each printing its own figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// cold-start first: it is the figure every action shares; then the others in name order.
const names = readdirSync(here)
  .filter((n) => n.endsWith('.mjs') && !['run.mjs', 'scenarios.mjs', 'lib.mjs', 'cold-start.mjs'].includes(n))
  .sort();
for (const name of ['cold-start.mjs', ...names]) {
  const file = join(here, name);
  console.log(`\n## bench/${name}`);
  const r = spawnSync(process.execPath, [file, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
