import { cronRunsPerMonth } from '../../src/extract/index.js';

// A 730-hour month is 730 / 24 = 30.41666… days. Day shares are exact over the 400-year Gregorian cycle of
// 146,097 days (= 20,871 weeks).
const DAYS = 730 / 24;

describe('cronRunsPerMonth', () => {
  it.each<[string, number, string]>([
    ['* * * * *', 43_800, '60 × 24 × 30.4167 = 60 × 730'],
    ['@hourly', 730, '24 × 30.4167'],
    ['0 * * * *', 730, 'same as @hourly'],
    ['@daily', DAYS, 'one a day'],
    ['@midnight', DAYS, 'robfig/cron alias of @daily'],
    [
      '*/15 9-17 * * 1-5',
      (4 * 9 * 5 * 730) / (7 * 24),
      '4 a hour × 9 hours × 5/7 of days × 30.4167 = 782.14',
    ],
    ['0 12 * * MON-FRI', (5 * 730) / (7 * 24), 'names: 5/7 of days'],
    ['@weekly', 730 / (24 * 7), 'one day in 7'],
    ['0 0 * * 7', 730 / (24 * 7), '7 is Sunday too'],
    ['0 0 * * 1,3', (2 * 730) / (7 * 24), 'day-of-month `*`: both fields must match, so 2/7 of days'],
    ['0 0 1 * *', (12 * 400 * 730) / (146_097 * 24), '@monthly: 12 × 400 firsts in 146,097 days = 0.9993'],
    ['@yearly', (400 * 730) / (146_097 * 24), '400 in 146,097 days'],
    ['0 0 * 2 *', ((400 * 28 + 97) * 730) / (146_097 * 24), 'every day of February: 400 × 28 + 97 leap days'],
    // Both day fields restricted: either matches (robfig/cron). Days that are the 13th: 12 × 400 = 4,800;
    // Fridays: 20,871; Friday the 13ths: 688 per 400 years (a known figure) → 4,800 + 20,871 − 688 = 24,983.
    ['0 0 13 * 5', (24_983 * 730) / (146_097 * 24), '13th or Friday: 24,983 days in 146,097'],
    ['CRON_TZ=Europe/Berlin 30 2 * * *', DAYS, 'a time zone prefix does not change the count'],
    ['TZ=UTC @hourly', 730, 'TZ= prefix with a descriptor'],
    ['@every 1h30m', (730 * 3600) / 5400, '730 h in 90-minute steps'],
    ['@every 500ms', 730 * 3600, 'below a second rounds up to 1 s'],
  ])('%s → %p runs (%s)', (schedule, expected) => {
    expect(cronRunsPerMonth(schedule)).toBeCloseTo(expected, 9);
  });

  it('gives the same figure from its cache', () => {
    const first = cronRunsPerMonth('7 3 * * 2');
    expect(cronRunsPerMonth('7 3 * * 2')).toBe(first);
    expect(first).toBeCloseTo(730 / (24 * 7), 9);
  });

  it.each<[string, string]>([
    ['* * * * * *', 'have 5 fields'],
    ['* * * *', 'have 5 fields'],
    ['61 * * * *', 'invalid schedule `61 * * * *`'],
    ['@often', 'unknown descriptor'],
    ['0 0 L * *', 'not supported by Kubernetes'],
    ['5 4 * * 5#2', 'not supported by Kubernetes'],
    ['CRON_TZ=Mars/Olympus * * * * *', 'unknown time zone'],
    ['@every soon', 'invalid duration'],
    ['', 'have 5 fields'],
  ])('rejects %p (%s)', (schedule, message) => {
    expect(() => cronRunsPerMonth(schedule)).toThrow(message);
  });
});
