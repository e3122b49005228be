/**
 * Durations as written in annotations (`90s`, `5m`, `1h30m`, `1.5h`) and in `@every` schedules: Go's syntax.
 */

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
// Sticky, one part at a time: no alternation over the whole string, so no backtracking blow-up.
const PART = /([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)/y;
const PLAIN_SECONDS = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

/**
 * A positive duration in seconds: Go syntax (`90s`, `5m`, `1h30m`, `1.5h`, `500ms`) or a bare number of seconds.
 * @throws Error naming the value when it is not a positive duration.
 */
export function parseDurationSeconds(value: string | number): number {
  let seconds = Number.NaN;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (PLAIN_SECONDS.test(text)) {
      seconds = Number(text);
    } else if (text !== '') {
      seconds = 0;
      PART.lastIndex = 0;
      while (PART.lastIndex < text.length) {
        const start = PART.lastIndex;
        const part = PART.exec(text);
        if (part === null || part.index !== start) {
          seconds = Number.NaN;
          break;
        }
        seconds += Number(part[1]) * (UNIT_SECONDS[part[2] as string] as number);
      }
    }
  }
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(
      `invalid duration \`${String(value)}\`: expected e.g. 90s, 5m, 1h30m or a number of seconds`,
    );
  }
  return seconds;
}
