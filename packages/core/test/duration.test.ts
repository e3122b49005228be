import { formatDuration, parseDuration } from '../src/duration.js';

describe('parseDuration', () => {
  it.each<[string, number | undefined]>([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['2h5m10s', 7_510_000],
    ['500ms', 500],
    ['1h500ms', 3_600_500],
    ['0ms', 0],
    ['', undefined],
    ['90', undefined],
    ['1.5h', undefined],
    ['1s1m', undefined],
    ['1m1m', undefined],
    ['10mss', undefined],
    ['99999999999999999999h', undefined],
  ])('%j -> %s', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [-5, '0s'],
    [500, '500ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [7_510_250, '2h5m10s250ms'],
    [1499.6, '1s500ms'],
  ])('%d -> %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it.each(['90s', '10m', '1h30m', '2h5m10s', '500ms'])('round-trips %s', (text) => {
    expect(parseDuration(formatDuration(parseDuration(text)!))).toBe(parseDuration(text));
  });
});
