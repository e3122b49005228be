// The built command (packages/cli/dist/slipway.js, made by `npm ci` / `npm run build`) as users run it: through
// bin/slipway.js, on this Node (24) and on any other Node found on PATH (Node 20 on the project's machines).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeTemp, writeTempFiles } from './temp-files.js';
import { taskDefinition } from './specs.js';

const CLI = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const BIN = join(CLI, 'bin', 'slipway.js');
const built = existsSync(join(CLI, 'dist', 'slipway.js'));

/** Node binaries to try: this one, and one `node` on PATH of each other major version. */
function nodes(): string[] {
  const found = new Map([[process.versions.node.split('.')[0]!, process.execPath]]);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    if (dir === '' || !existsSync(candidate)) continue;
    try {
      const major = execFileSync(candidate, ['--version'], { encoding: 'utf8' })
        .trim()
        .slice(1)
        .split('.')[0]!;
      if (!found.has(major)) found.set(major, candidate);
    } catch {
      // Not a runnable node.
    }
  }
  return [...found.values()];
}

const maybe = built ? describe : describe.skip;

maybe('the built slipway command', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await writeTempFiles({
      'ok/api.json': taskDefinition('api'),
      'bad/api.json': taskDefinition('api').replace('"cpu"', '"cpu" "oops"'),
    });
  });
  afterAll(() => removeTemp(dir));

  it.each(
    nodes().flatMap((node) => [
      [node, ['estimate', 'ok'], 0, /^Monthly cost estimate/, /^$/],
      [node, ['estimate', 'bad', 'ok'], 1, /TaskDefinition api/, /^bad\/api\.json:\d+: /],
      [node, ['estimate', '--region', 'mars-1', 'ok'], 2, /^$/, /^slipway: unknown region "mars-1"/],
      [node, ['--version'], 0, /^slipway \d+\.\d+\.\d+\n$/, /^$/],
    ]),
  )('%s %j exits %d', (node, argv, code, stdout, stderr) => {
    const r = spawnSync(node as string, [BIN, ...(argv as string[])], { cwd: dir, encoding: 'utf8' });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code,
      stdout: expect.stringMatching(stdout as RegExp),
      stderr: expect.stringMatching(stderr as RegExp),
    });
  });
});
