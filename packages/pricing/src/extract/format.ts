/**
 * Numbers and paths as messages show them.
 */

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A number for a message: thousands grouped, at most two decimals (`43,800`, `782.14`, `0.25`). */
export function formatNumber(value: number): string {
  return NUMBER.format(value);
}

/** A field path the way `kubectl explain` writes it: `spec.template.spec.containers[0].resources`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}
