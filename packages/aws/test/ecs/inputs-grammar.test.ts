// The small grammars deploy-ecs inputs rely on: the capacity-provider strategy, task sizes, Fargate's sizes.
import { describe, expect, it } from '@jest/globals';
import {
  cpuUnits,
  fargateSizeProblem,
  formatCapacityProviderStrategy,
  memoryMiB,
  parseCapacityProviderStrategy,
} from '@slipway/aws/ecs';

describe('parseCapacityProviderStrategy', () => {
  it.each([
    {
      text: 'FARGATE_SPOT:3,FARGATE:1:base=1',
      value: [
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      ],
    },
    { text: 'FARGATE', value: [{ capacityProvider: 'FARGATE', weight: 1 }] },
    {
      text: 'FARGATE_SPOT:4\nFARGATE:0:base=2\n',
      value: [
        { capacityProvider: 'FARGATE_SPOT', weight: 4 },
        { capacityProvider: 'FARGATE', weight: 0, base: 2 },
      ],
    },
    { text: ' my-asg : weight=2 : base=0 ', value: [{ capacityProvider: 'my-asg', weight: 2 }] },
    { text: 'a:base=5:7', value: [{ capacityProvider: 'a', weight: 7, base: 5 }] },
  ])('reads $text', ({ text, value }) => {
    expect(parseCapacityProviderStrategy(text)).toEqual({ ok: true, value });
  });

  it.each([
    { text: '', message: 'lists no capacity provider' },
    {
      text: 'FARGATE_SPOT:x',
      message: /"x" is neither a weight nor base=N \(write PROVIDER\[:WEIGHT\]\[:base=N\]/,
    },
    { text: 'FARGATE:1001', message: /the weight must be a whole number from 0 to 1000/ },
    { text: 'FARGATE:1.5', message: /"1.5" is neither a weight nor base=N/ },
    { text: 'FARGATE:base=-1', message: /base must be a whole number from 0 to 100000/ },
    { text: 'FARGATE:1:2', message: /the weight is given twice/ },
    { text: 'FARGATE:base=1:base=2', message: /base is given twice/ },
    { text: 'FAR GATE:1', message: /the capacity provider name is missing or has characters/ },
    { text: ':3', message: /the capacity provider name is missing/ },
    { text: 'FARGATE:1,FARGATE:2', message: /FARGATE is listed more than once/ },
    {
      text: 'A:1:base=1,B:1:base=1',
      message: 'gives a base to more than one capacity provider; ECS allows one',
    },
    { text: 'A:0,B:0', message: 'needs at least one capacity provider with a weight above 0' },
    {
      text: Array.from({ length: 21 }, (_, i) => `p${i}`).join(','),
      message: 'lists 21 capacity providers; ECS allows 20',
    },
  ])('refuses $text', ({ text, message }) => {
    const result = parseCapacityProviderStrategy(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      if (typeof message === 'string') expect(result.message).toBe(message);
      else expect(result.message).toMatch(message);
      expect(result.message).not.toContain('\n');
    }
  });

  it('writes a strategy back in the same grammar', () => {
    const parsed = parseCapacityProviderStrategy('FARGATE_SPOT:3,FARGATE:1:base=1');
    expect(parsed.ok && formatCapacityProviderStrategy(parsed.value)).toBe('FARGATE_SPOT:3,FARGATE:1:base=1');
  });
});

describe('task sizes', () => {
  it.each([
    [1024, 1024],
    ['1024', 1024],
    ['1 vCPU', 1024],
    ['0.25 vcpu', 256],
    ['2vcpu', 2048],
    ['.5 vCPU', undefined],
    ['0.3 vCPU', undefined],
    ['1024m', undefined],
    [0, undefined],
    [1.5, undefined],
    [null, undefined],
  ])('cpuUnits(%j) is %j', (value, expected) => {
    expect(cpuUnits(value)).toBe(expected);
  });

  it.each([
    [2048, 2048],
    ['512', 512],
    ['2 GB', 2048],
    ['0.5gb', 512],
    ['1.5 GB', 1536],
    ['2GiB', undefined],
    ['lots', undefined],
  ])('memoryMiB(%j) is %j', (value, expected) => {
    expect(memoryMiB(value)).toBe(expected);
  });

  it.each([
    [256, 512, undefined],
    [256, 2048, undefined],
    [256, 4096, 'Fargate has no 256 CPU / 4096 MiB size: with 256 CPU units use 512, 1024, 2048 MiB'],
    [512, 1024, undefined],
    [
      1024,
      1024,
      'Fargate has no 1024 CPU / 1024 MiB size: with 1024 CPU units use 2048 to 8192 MiB in steps of 1024',
    ],
    [4096, 30720, undefined],
    [
      4096,
      31744,
      'Fargate has no 4096 CPU / 31744 MiB size: with 4096 CPU units use 8192 to 30720 MiB in steps of 1024',
    ],
    [8192, 20480, undefined],
    [
      8192,
      18432,
      'Fargate has no 8192 CPU / 18432 MiB size: with 8192 CPU units use 16384 to 61440 MiB in steps of 4096',
    ],
    [16384, 122880, undefined],
    [300, 1024, '300 CPU units is not a Fargate size (use 256, 512, 1024, 2048, 4096, 8192, 16384)'],
  ])('fargateSizeProblem(%d, %d)', (cpu, memory, problem) => {
    expect(fargateSizeProblem(cpu, memory)).toBe(problem);
  });
});
