import { describe, expect, it } from '@jest/globals';
import {
  cpuProblem,
  instancesProblem,
  memoryProblem,
  parseCpu,
  parseMemory,
  resourcesProblem,
} from '../../src/run/index.js';

describe('parseCpu and parseMemory', () => {
  it.each([
    ['1', 1],
    ['2', 2],
    ['0.5', 0.5],
    ['500m', 0.5],
    ['1000m', 1],
    ['.25', 0.25],
    ['two', undefined],
    ['1.5x', undefined],
  ])('cpu %j → %j', (text, cores) => {
    expect(parseCpu(text)).toBe(cores);
  });

  it.each([
    ['512Mi', 512 * 2 ** 20],
    ['2Gi', 2 * 2 ** 30],
    ['1G', 1e9],
    ['128974848', 128974848],
    ['lots', undefined],
    ['1 Gi', undefined],
  ])('memory %j → %j', (text, bytes) => {
    expect(parseMemory(text)).toBe(bytes);
  });
});

describe("Cloud Run's limits", () => {
  it.each([
    ['1', undefined],
    ['8', undefined],
    ['0.08', undefined],
    ['0.5', undefined],
    ['0.05', 'must be at least 0.08 CPU, got 0.05'],
    ['3', 'Cloud Run offers 0.08 to 1 CPU, or 1, 2, 4, 6 or 8 CPUs, got 3'],
    ['16', 'Cloud Run offers 0.08 to 1 CPU, or 1, 2, 4, 6 or 8 CPUs, got 16'],
    ['x', 'must be a number of CPUs such as 1, 2 or 0.5 (or 500m), got "x"'],
  ])('cpu %s', (text, problem) => {
    expect(cpuProblem(text)).toBe(problem);
  });

  it.each([
    ['128Mi', undefined],
    ['32Gi', undefined],
    ['64Mi', "must be between 128Mi and 32Gi (Cloud Run's limits), got 64Mi"],
    ['64Gi', "must be between 128Mi and 32Gi (Cloud Run's limits), got 64Gi"],
    ['big', 'must be a size such as 512Mi or 2Gi, got "big"'],
  ])('memory %s', (text, problem) => {
    expect(memoryProblem(text)).toBe(problem);
  });

  it.each([
    ['1', '4Gi', undefined, undefined],
    ['1', '8Gi', undefined, 'memory 8Gi needs at least 2 CPUs, but cpu is 1'],
    ['2', '16Gi', undefined, 'memory 16Gi needs at least 4 CPUs, but cpu is 2'],
    ['6', '24Gi', undefined, undefined],
    ['6', '32Gi', undefined, 'memory 32Gi needs at least 8 CPUs, but cpu is 6'],
    ['4', '1Gi', undefined, '4 CPUs need at least 2Gi of memory, but memory is 1Gi'],
    ['8', '2Gi', undefined, '8 CPUs need at least 4Gi of memory, but memory is 2Gi'],
    ['0.5', '1Gi', undefined, 'less than 1 CPU allows at most 512Mi of memory, but memory is 1Gi'],
    ['0.5', '512Mi', 80, 'less than 1 CPU requires a concurrency of 1, but concurrency is 80'],
    ['0.5', '512Mi', 1, undefined],
  ])('cpu %s with memory %s (concurrency %s)', (cpu, memory, concurrency, problem) => {
    expect(resourcesProblem(cpu, memory, concurrency)).toBe(problem);
  });

  it.each([
    [undefined, undefined, undefined],
    [1, 3, undefined],
    [3, 3, undefined],
    [0, undefined, undefined],
    [5, 2, 'min-instances (5) must not exceed max-instances (2)'],
  ])('instances min %s max %s', (min, max, problem) => {
    expect(instancesProblem(min, max)).toBe(problem);
  });
});
