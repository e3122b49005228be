import { parseEcsCpu, parseEcsMemory } from '../../src/extract/index.js';

describe('parseEcsCpu', () => {
  it.each<[string | number, number, string]>([
    ['1024', 1, '1024 units / 1024'],
    [1024, 1, 'units as a number'],
    ['256', 0.25, '256 / 1024'],
    [512, 0.5, '512 / 1024'],
    ['1 vCPU', 1, 'vCPU string'],
    ['1 vcpu', 1, 'lower case'],
    ['0.25 vCPU', 0.25, 'fractional vCPU'],
    ['2vCPU', 2, 'no space'],
    [' 4 VCPU ', 4, 'surrounding spaces, upper case'],
  ])('%p → %p vCPU (%s)', (input, expected) => {
    expect(parseEcsCpu(input)).toBe(expected);
  });

  it.each<[string | number]>([['abc'], ['1 cpu'], ['-256'], [0], [''], ['1.5 units'], ['0 vCPU']])(
    'rejects %p',
    (input) => {
      expect(() => parseEcsCpu(input)).toThrow(`invalid ECS cpu \`${String(input)}\``);
    },
  );
});

describe('parseEcsMemory', () => {
  it.each<[string | number, number, string]>([
    ['2048', 2048, 'MiB string'],
    [512, 512, 'MiB number'],
    ['2GB', 2048, '2 × 1024 (Fargate GB = 1024 MiB)'],
    ['2 GB', 2048, 'with a space'],
    ['2 gb', 2048, 'lower case'],
    ['0.5GB', 512, '0.5 × 1024'],
    ['30 GB', 30720, '30 × 1024'],
  ])('%p → %p MiB (%s)', (input, expected) => {
    expect(parseEcsMemory(input)).toBe(expected);
  });

  it.each<[string | number]>([['2 GiB'], ['2MB'], ['x'], [0], ['']])('rejects %p', (input) => {
    expect(() => parseEcsMemory(input)).toThrow(`invalid ECS memory \`${String(input)}\``);
  });
});
