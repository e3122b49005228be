import { SHARED_LIMIT, SharedValues } from '../../src/estimate/shared-values.js';

describe('SharedValues.list', () => {
  it('returns one frozen copy for equal lists, and not the caller’s array', () => {
    const shared = new SharedValues();
    const first = ['vCPU: 1 vCPU', 'memory: 2 GB'];
    const a = shared.list(first);
    const b = shared.list(['vCPU: 1 vCPU', 'memory: 2 GB']);
    expect(a).toEqual(first);
    expect(a).not.toBe(first);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => (a as string[]).push('x')).toThrow(TypeError);
    // The caller's array stays the caller's.
    first.push('more');
    expect(a).toEqual(['vCPU: 1 vCPU', 'memory: 2 GB']);
  });

  it('tells apart lists that differ in order, length or one item', () => {
    const shared = new SharedValues();
    const ab = shared.list(['a', 'b']);
    const lists = [['a'], ['b', 'a'], ['a', 'b', 'c'], ['a', 'c'], []].map((l) => shared.list(l));
    expect(lists.map((l) => [...l])).toEqual([['a'], ['b', 'a'], ['a', 'b', 'c'], ['a', 'c'], []]);
    for (const l of lists) expect(l).not.toBe(ab);
    expect(shared.list(['a'])).toBe(lists[0]);
    expect(shared.list(['a', 'b', 'c'])).toBe(lists[2]);
  });

  it('shares one empty list', () => {
    const shared = new SharedValues();
    expect(shared.list([])).toBe(new SharedValues().list([]));
    expect(Object.isFrozen(shared.list([]))).toBe(true);
  });

  it('starts over past its limit and still returns equal, frozen lists', () => {
    const shared = new SharedValues();
    const early = shared.list(['early']);
    for (let i = 0; i < SHARED_LIMIT + 10; i++) shared.list([`line ${i}`]);
    const again = shared.list(['early']);
    expect(again).toEqual(['early']);
    expect(again).not.toBe(early); // the table was emptied on the way
    expect(Object.isFrozen(again)).toBe(true);
    expect(shared.list(['early'])).toBe(again);
  });
});

describe('SharedValues.size', () => {
  it('returns one frozen object per (vCPU, MiB) with only those two fields', () => {
    const shared = new SharedValues();
    const a = shared.size({ vcpu: 0.25, memoryMiB: 512 });
    const extra = { vcpu: 0.25, memoryMiB: 512, ephemeralMiB: 1024 };
    expect(shared.size(extra)).toBe(a);
    expect(a).toEqual({ vcpu: 0.25, memoryMiB: 512 });
    expect(Object.isFrozen(a)).toBe(true);
    expect(shared.size({ vcpu: 0.25, memoryMiB: 1024 })).not.toBe(a);
    expect(shared.size({ vcpu: 0.5, memoryMiB: 512 })).not.toBe(a);
    expect(shared.size({ vcpu: 0.5, memoryMiB: 512 })).toEqual({ vcpu: 0.5, memoryMiB: 512 });
  });

  it('starts over past its limit', () => {
    const shared = new SharedValues();
    const early = shared.size({ vcpu: 1, memoryMiB: 1 });
    for (let i = 0; i < SHARED_LIMIT + 10; i++) shared.size({ vcpu: 2, memoryMiB: i });
    const again = shared.size({ vcpu: 1, memoryMiB: 1 });
    expect(again).toEqual({ vcpu: 1, memoryMiB: 1 });
    expect(again).not.toBe(early);
    expect(shared.size({ vcpu: 1, memoryMiB: 1 })).toBe(again);
  });
});
