/**
 * Durations as people write them in workflow files: `90s`, `10m`, `1h30m`, `500ms`.
 */

// Units in descending order, each at most once; `m(?!s)` keeps minutes from swallowing the `m` of `ms`.
const DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SECOND = 1000;

/**
 * Milliseconds in a duration such as `90s`, `10m`, `1h30m`, `2h5m10s` or `500ms`: whole numbers followed by
 * `h`, `m`, `s`, `ms`, largest unit first, each unit at most once. Returns `undefined` when `text` is not one.
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === '') return undefined;
  const [, h, min, s, ms] = m;
  const total = Number(h ?? 0) * HOUR + Number(min ?? 0) * MINUTE + Number(s ?? 0) * SECOND + Number(ms ?? 0);
  return Number.isSafeInteger(total) ? total : undefined;
}

/** The shortest `1h30m`-style spelling of a number of milliseconds (rounded to whole ms); `0s` for zero. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [size, unit] of [
    [HOUR, 'h'],
    [MINUTE, 'm'],
    [SECOND, 's'],
    [1, 'ms'],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}
