// Each action's committed dist/ stays within its size budget (bench/budgets.json), minified and without
// source maps: bytes in the bundle are start-up time in every job that uses the action.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const budgets = JSON.parse(readFileSync(join(root, 'bench', 'budgets.json'), 'utf8')) as Record<
  string,
  number | string
>;
const actions = readdirSync(join(root, 'actions')).filter((name) =>
  existsSync(join(root, 'actions', name, 'action.yml')),
);

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('dist size budgets', () => {
  it('covers at least one action', () => {
    expect(actions.length).toBeGreaterThan(0);
  });

  it.each(actions)('%s has a budget, a dist within it, and no source maps', (name) => {
    const budget = budgets[name];
    expect(typeof budget).toBe('number');
    const dist = join(root, 'actions', name, 'dist');
    expect(existsSync(join(dist, 'index.js'))).toBe(true);
    const all = files(dist);
    expect(all.filter((f) => f.endsWith('.map'))).toEqual([]);
    const bytes = all.reduce((n, f) => n + statSync(f).size, 0);
    if (bytes > (budget as number)) {
      throw new Error(
        `actions/${name}/dist is ${bytes} bytes, over its budget of ${budget} (bench/budgets.json)`,
      );
    }
  });
});
