/**
 * How many times a Kubernetes CronJob schedule fires in a 730-hour month.
 *
 * The count is an exact average, not a walk over one particular month: runs per day (minutes × hours) times the
 * share of days the day fields match over a whole 400-year Gregorian cycle (146,097 days, which is also a whole
 * number of weeks), times 730 / 24 days. So `* * * * *` is 60 × 24 × 30.4167 = 43,800 and `@monthly` is
 * 12 × 400 / 146,097 × 30.4167 = 0.9993 (730 h is a little shorter than the average calendar month).
 */
import { CronExpressionParser } from 'cron-parser';
import { parseDurationSeconds } from './duration.js';

const HOURS_PER_MONTH = 730;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const DAYS_PER_CYCLE = 146_097;
const CACHE_LIMIT = 10_000;

// The descriptors Kubernetes (robfig/cron's standard parser) accepts.
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const TZ_PREFIX = /^(?:CRON_TZ|TZ)=(\S+)\s+/;
const NAMES = /JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT/g;
const NON_STANDARD = /[LW#H]/;

const cache = new Map<string, number>();

/**
 * Runs in 730 hours for a Kubernetes CronJob schedule: five fields (minute hour day-of-month month day-of-week),
 * the `@hourly`/`@daily`/`@weekly`/`@monthly`/`@yearly` descriptors, `@every <duration>`, and an optional
 * `CRON_TZ=`/`TZ=` prefix (a time zone does not change the count). Results are cached by schedule string.
 * @throws Error naming the schedule when Kubernetes would not accept it.
 */
export function cronRunsPerMonth(schedule: string): number {
  const cached = cache.get(schedule);
  if (cached !== undefined) return cached;
  const runs = countRuns(schedule);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(schedule, runs);
  return runs;
}

function countRuns(schedule: string): number {
  const fail = (why: string): never => {
    throw new Error(`invalid schedule \`${schedule}\`: ${why}`);
  };
  let expr = schedule.trim();
  const tz = TZ_PREFIX.exec(expr);
  if (tz !== null) {
    if (!isTimeZone(tz[1] as string)) fail(`unknown time zone \`${tz[1]}\``);
    expr = expr.slice(tz[0].length).trim();
  }
  if (expr.startsWith('@every ')) {
    let seconds = 0;
    try {
      seconds = parseDurationSeconds(expr.slice('@every '.length));
    } catch (error) {
      fail((error as Error).message);
    }
    // robfig/cron rounds intervals below a second up to one second and drops fractions of a second.
    return (HOURS_PER_MONTH * 3600) / Math.max(1, Math.floor(seconds));
  }
  if (expr.startsWith('@')) {
    const macro = MACROS[expr.toLowerCase()];
    if (macro === undefined) fail(`unknown descriptor \`${expr}\``);
    expr = macro as string;
  }
  const fields = expr.split(/\s+/);
  if (fields.length !== 5) {
    fail(
      `Kubernetes schedules have 5 fields (minute hour day-of-month month day-of-week), this has ${fields.length}`,
    );
  }
  for (const field of fields) {
    if (NON_STANDARD.test(field.toUpperCase().replace(NAMES, ''))) {
      fail(`\`${field}\`: L, W, # and H are not supported by Kubernetes`);
    }
  }
  let parsed: ReturnType<typeof CronExpressionParser.parse> | undefined;
  try {
    parsed = CronExpressionParser.parse(expr);
  } catch (error) {
    fail((error as Error).message);
  }
  const f = (parsed as ReturnType<typeof CronExpressionParser.parse>).fields;
  const perDay = f.minute.values.length * f.hour.values.length;
  const months = new Set(f.month.values as number[]);
  const daysOfMonth = new Set(f.dayOfMonth.values as number[]);
  const daysOfWeek = new Set((f.dayOfWeek.values as number[]).map((d) => d % 7));
  const domStar = isStar(fields[2] as string);
  const dowStar = isStar(fields[4] as string);
  if (domStar && dowStar && months.size === 12) return perDay * DAYS_PER_MONTH;
  const matching = countMatchingDays(months, daysOfMonth, daysOfWeek, domStar || dowStar);
  return (perDay * matching * DAYS_PER_MONTH) / DAYS_PER_CYCLE;
}

// robfig/cron (and so Kubernetes): a field is "any" when it is `*` or `?` without a step above 1; when either day
// field is "any" both must match, otherwise either may.
function isStar(field: string): boolean {
  return field === '*' || field === '?' || field === '*/1' || field === '?/1';
}

// Days in one 400-year Gregorian cycle (2000-01-01, a Saturday, to 2399-12-31) that the day fields match.
function countMatchingDays(
  months: Set<number>,
  daysOfMonth: Set<number>,
  daysOfWeek: Set<number>,
  both: boolean,
): number {
  let weekday = 6;
  let matching = 0;
  for (let year = 2000; year < 2400; year++) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    for (let month = 1; month <= 12; month++) {
      const length =
        month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
      if (!months.has(month)) {
        weekday = (weekday + length) % 7;
        continue;
      }
      for (let day = 1; day <= length; day++) {
        const dom = daysOfMonth.has(day);
        const dow = daysOfWeek.has(weekday);
        if (both ? dom && dow : dom || dow) matching++;
        weekday = (weekday + 1) % 7;
      }
    }
  }
  return matching;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
