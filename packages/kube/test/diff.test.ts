import { TRACE_ANNOTATIONS } from '../src/decorate.js';
import { objectDiff, sameObject, unifiedDiff } from '../src/diff.js';
import type { KubeObject } from '../src/types.js';

const cm = (data: Record<string, string>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', ...metadata },
  data,
});

describe('unifiedDiff', () => {
  it.each([
    { before: 'a\nb\nc\n', after: 'a\nb\nc\n', diff: '' },
    { before: 'a\nb\nc\n', after: 'a\nB\nc\n', diff: '--- x\n+++ y\n@@\n a\n-b\n+B\n c\n' },
    { before: '', after: 'a\n', diff: '--- x\n+++ y\n@@\n+a\n' },
    {
      before: '1\n2\n3\n4\n5\n6\n7\n8\n9\n',
      after: '1\n2\n3\n4\n5\n6\n7\n8\nnine\n',
      diff: '--- x\n+++ y\n@@\n 6\n 7\n 8\n-9\n+nine\n',
    },
  ])('$before → $after', ({ before, after, diff }) => {
    expect(unifiedDiff(before, after, ['x', 'y'])).toBe(diff);
  });
});

describe('sameObject', () => {
  it.each([
    {
      a: cm({ k: 'v' }),
      b: cm({ k: 'v' }, { resourceVersion: '9', managedFields: [{}], uid: 'u', generation: 3 }),
      same: true,
      why: 'server bookkeeping',
    },
    {
      a: cm({ k: 'v' }, { annotations: { [TRACE_ANNOTATIONS[0] as string]: 'old' } }),
      b: cm({ k: 'v' }, { annotations: { [TRACE_ANNOTATIONS[0] as string]: 'new' } }),
      same: true,
      why: 'the per-run trace annotations',
    },
    { a: { ...cm({ k: 'v' }), status: { x: 1 } }, b: cm({ k: 'v' }), same: true, why: 'status' },
    { a: cm({ k: 'v' }), b: cm({ k: 'w' }), same: false, why: 'data' },
    { a: cm({ k: 'v' }, { labels: { a: 'b' } }), b: cm({ k: 'v' }), same: false, why: 'labels' },
  ])('ignores $why: $same', ({ a, b, same }) => {
    expect(sameObject(a, b)).toBe(same);
  });

  it('diffs objects as sorted YAML, from /dev/null when new', () => {
    expect(objectDiff(undefined, cm({ k: 'v' }), 'configmap/c')).toContain(
      '--- /dev/null\n+++ configmap/c (after apply)\n',
    );
    expect(objectDiff(cm({ k: 'v' }), cm({ k: 'w' }), 'configmap/c')).toContain('-  k: v\n+  k: w\n');
  });
});
