import { parseDurationSeconds } from '../../src/extract/index.js';

describe('parseDurationSeconds', () => {
  it.each<[string | number, number, string]>([
    ['90s', 90, 'seconds'],
    ['5m', 300, '5 × 60'],
    ['1h30m', 5400, '3600 + 30 × 60'],
    ['1.5h', 5400, '1.5 × 3600'],
    ['2m30s', 150, '2 × 60 + 30'],
    ['500ms', 0.5, '500 × 10^-3'],
    ['45', 45, 'bare number: seconds'],
    [120, 120, 'YAML number: seconds'],
  ])('%p → %p s (%s)', (input, expected) => {
    expect(parseDurationSeconds(input)).toBe(expected);
  });

  it.each<[string | number]>([[''], ['5 m'], ['abc'], ['0s'], ['-5s'], ['5d'], [0], ['1h junk']])(
    'rejects %p',
    (input) => {
      expect(() => parseDurationSeconds(input)).toThrow(`invalid duration \`${String(input)}\``);
    },
  );
});
