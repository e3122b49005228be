#!/usr/bin/env node
// The `slipway` command. Runs the bundle that `npm ci` (the root `prepare` script) builds from packages/cli/src.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/slipway.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error(
    'slipway: the CLI is not built yet; run `npm ci` (or `npm run build`) at the repository root.',
  );
  process.exit(2);
}
await import(bundle);
