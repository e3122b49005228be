import { describe, expect, it } from '@jest/globals';
import { diffSpecs, hideEnvValues, renderChanges } from '../../src/run/index.js';

describe('diffSpecs and renderChanges', () => {
  it('addresses named list items by name, others by index, and hides env values', () => {
    const before = {
      labels: { team: 'web' },
      template: {
        containers: [
          {
            name: 'app',
            image: 'a:1',
            env: [
              { name: 'DB', value: 'postgres://secret@db' },
              { name: 'OLD', value: 'x' },
            ],
          },
        ],
        scaling: { maxInstanceCount: 100 },
      },
      traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
    };
    const after = {
      labels: { team: 'web', 'managed-by': 'slipway' },
      template: {
        containers: [
          {
            name: 'app',
            image: 'a:2',
            env: [
              { name: 'DB', value: 'postgres://other@db' },
              { name: 'NEW', value: 'y' },
            ],
          },
        ],
        scaling: { maxInstanceCount: 100 },
      },
      traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
    };
    const lines = renderChanges(diffSpecs(before, after));
    expect(lines).toEqual([
      '+ labels.managed-by: "slipway"',
      '~ template.containers[app].env[DB].value: (hidden) → (hidden)',
      '- template.containers[app].env[OLD]: {"name":"OLD","value":"(hidden)"}',
      '+ template.containers[app].env[NEW]: {"name":"NEW","value":"(hidden)"}',
      '~ template.containers[app].image: "a:1" → "a:2"',
    ]);
    expect(lines.join('\n')).not.toMatch(/postgres|"x"|"y"/);
  });

  it('finds nothing between equal specs written differently', () => {
    expect(diffSpecs({ a: { b: 1, c: '' }, d: [] }, { a: { b: 1 } })).toEqual([]);
  });

  it('shows a whole create as one added root', () => {
    expect(diffSpecs(undefined, { a: 1 })).toEqual([{ path: '', kind: 'added', after: { a: 1 } }]);
  });
});

describe('hideEnvValues', () => {
  it('hides every env value, at any depth, and nothing else', () => {
    const spec = {
      template: {
        containers: [
          {
            env: [
              { name: 'A', value: 's3cr3t' },
              { name: 'B', valueSource: { secretKeyRef: { secret: 's' } } },
            ],
            args: ['value'],
          },
        ],
      },
    };
    expect(hideEnvValues(spec)).toEqual({
      template: {
        containers: [
          {
            env: [
              { name: 'A', value: '(hidden)' },
              { name: 'B', valueSource: { secretKeyRef: { secret: 's' } } },
            ],
            args: ['value'],
          },
        ],
      },
    });
  });
});
