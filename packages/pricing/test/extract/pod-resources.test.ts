import type { ContainerSpec } from '../../src/types.js';
import { podTotal } from '../../src/extract/pod-resources.js';
import { fixture, only } from './helpers.js';
import { extractWorkloads } from '../../src/extract/index.js';

function c(role: ContainerSpec['role'], cpu: number | null): ContainerSpec {
  return {
    name: `${role}-${String(cpu)}`,
    role,
    cpu,
    memoryMiB: null,
    ephemeralMiB: null,
    gpu: 0,
    limits: { cpu: null, memoryMiB: null },
  };
}

describe('podTotal (KEP-753)', () => {
  it.each<[string, ContainerSpec[], number, string]>([
    ['app containers add up', [c('app', 1), c('app', 2)], 3, '1 + 2'],
    ['a larger init container wins', [c('init', 4), c('app', 1)], 4, 'max(4, 1)'],
    [
      'an init after a sidecar runs beside it',
      [c('sidecar', 1), c('init', 2), c('app', 1)],
      3,
      'init 2 + sidecar 1 = 3 > running 1 + 1',
    ],
    [
      'an init before a sidecar runs alone',
      [c('init', 2), c('sidecar', 1), c('app', 1)],
      2,
      'max(init 2, running 1 + 1 = 2)',
    ],
    [
      'every earlier sidecar counts',
      [c('sidecar', 1), c('sidecar', 2), c('init', 1), c('app', 0.5)],
      4,
      'init 1 + 1 + 2 = 4 > 0.5 + 3',
    ],
    ['sidecars count with the app containers', [c('sidecar', 1), c('app', 2)], 3, '2 + 1'],
    ['unstated counts as 0', [c('init', null), c('app', null)], 0, 'nothing stated'],
  ])('%s → %p (%s)', (_name, containers, expected) => {
    expect(podTotal(containers, (x) => x.cpu)).toBe(expected);
  });
});

describe('pod resources from a manifest', () => {
  it('applies KEP-753 with native sidecars and adds the RuntimeClass overhead (native-sidecars.yaml)', () => {
    const w = only(extractWorkloads([fixture('native-sidecars.yaml')]));
    expect(w.containers.map((x) => [x.name, x.role, x.cpu, x.memoryMiB])).toEqual([
      ['migrate', 'init', 0.5, 256],
      ['log-shipper', 'sidecar', 0.1, 64],
      ['warm-cache', 'init', 0.9, 128],
      ['proxy', 'sidecar', 0.2, 128], // limits only: the request defaults to the limit
      ['app', 'app', 0.25, 512],
    ]);
    // CPU: migrate 0.5; warm-cache 0.9 + log-shipper 0.1 = 1.0; running 0.25 + 0.1 + 0.2 = 0.55 → 1.0, + 0.05
    // overhead = 1.05. (max(init) vs sum would give only 0.9 + 0.05.)
    // Memory: migrate 256; warm-cache 128 + 64 = 192; running 512 + 64 + 128 = 704 → 704, + 32 overhead = 736.
    expect(w.perReplica).toEqual({ vcpu: 1.05, memoryMiB: 736 });
    expect(w.containers[4]?.limits).toEqual({ cpu: 1, memoryMiB: 1024 });
    expect(w.replicas).toEqual({ min: 2, max: 2 });
    expect(w.namespace).toBe('shop');
  });
});
