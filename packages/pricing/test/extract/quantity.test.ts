import { cpuToVcpu, memoryToMiB, parseQuantity } from '../../src/extract/index.js';

describe('parseQuantity', () => {
  it.each<[string | number, number, string]>([
    ['250m', 0.25, '250 × 10^-3'],
    ['0.5', 0.5, 'plain decimal'],
    ['1', 1, 'plain integer'],
    [1, 1, 'YAML number'],
    [0.25, 0.25, 'YAML decimal number'],
    ['500m', 0.5, '500 × 10^-3'],
    ['1e3', 1000, '1 × 10^3 (decimal exponent)'],
    ['1E3', 1000, 'upper-case exponent, not exa'],
    ['129e6', 129_000_000, '129 × 10^6'],
    ['1.5e-3', 0.0015, 'negative exponent'],
    ['123Mi', 128_974_848, '123 × 2^20 = 123 × 1,048,576'],
    ['1G', 1_000_000_000, '10^9'],
    ['1Gi', 1_073_741_824, '2^30'],
    ['1.5Gi', 1_610_612_736, '1.5 × 2^30'],
    ['512M', 512_000_000, '512 × 10^6'],
    ['1k', 1000, '10^3'],
    ['1Ki', 1024, '2^10'],
    ['2E', 2e18, '2 × 10^18 (exa)'],
    ['100n', 1e-7, '100 × 10^-9'],
    ['100u', 1e-4, '100 × 10^-6'],
    ['+1', 1, 'explicit sign'],
    ['.5', 0.5, 'no leading digit'],
    ['5.', 5, 'no trailing digit'],
    ['-1', -1, 'negative parses (validation rejects it later)'],
  ])('%p → %p (%s)', (input, expected) => {
    expect(parseQuantity(input)).toBe(expected);
  });

  it.each<[string | number]>([
    [''],
    ['abc'],
    ['1.2.3'],
    ['1Kb'],
    ['--1'],
    ['Mi'],
    ['1 Gi'],
    ['0x10'],
    ['1e'],
    ['1e3.5'],
    ['e3'],
    ['1mi'],
    [Number.NaN],
    [Infinity],
  ])('rejects %p, naming it', (input) => {
    expect(() => parseQuantity(input)).toThrow(`invalid quantity \`${String(input)}\``);
  });
});

describe('cpuToVcpu', () => {
  it.each<[string | number, number]>([
    ['250m', 0.25],
    ['2', 2],
    [2, 2],
    ['1500m', 1.5],
    ['100n', 1e-7],
  ])('%p → %p vCPU', (input, expected) => {
    expect(cpuToVcpu(input)).toBe(expected);
  });
});

describe('memoryToMiB', () => {
  it.each<[string | number, number, string]>([
    ['512M', 488.28125, '512,000,000 / 1,048,576'],
    ['512Mi', 512, '2^29 / 2^20'],
    ['1Gi', 1024, '2^30 / 2^20'],
    ['1G', 953.67431640625, '10^9 / 2^20'],
    ['100Mi', 100, 'exact'],
    ['1e3', 0.00095367431640625, '1000 / 2^20 (bytes)'],
    ['129e6', 123.02398681640625, '129 × 10^6 / 2^20 = 2,015,625 / 16,384'],
    [134_217_728, 128, '2^27 bytes as a YAML number'],
  ])('%p → %p MiB (%s)', (input, expected) => {
    expect(memoryToMiB(input)).toBe(expected);
  });
});
