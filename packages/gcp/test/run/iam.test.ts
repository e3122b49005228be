import { describe, expect, it } from '@jest/globals';
import { isPublic, planInvokerPolicy } from '../../src/run/index.js';
import type { IamPolicy } from '../../src/run/index.js';

const PRIVATE: IamPolicy = {
  version: 1,
  etag: 'BwX=',
  bindings: [{ role: 'roles/run.invoker', members: ['serviceAccount:ci@p.iam.gserviceaccount.com'] }],
};
const PUBLIC: IamPolicy = {
  version: 1,
  etag: 'BwY=',
  bindings: [
    { role: 'roles/run.invoker', members: ['serviceAccount:ci@p.iam.gserviceaccount.com', 'allUsers'] },
    { role: 'roles/run.developer', members: ['user:a@example.com'] },
  ],
};

describe('planInvokerPolicy', () => {
  it.each([
    [
      'adds allUsers beside other invokers',
      PRIVATE,
      true,
      {
        version: 1,
        etag: 'BwX=',
        bindings: [
          { role: 'roles/run.invoker', members: ['serviceAccount:ci@p.iam.gserviceaccount.com', 'allUsers'] },
        ],
      },
    ],
    [
      'adds a binding to an empty policy',
      {},
      true,
      { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] },
    ],
    [
      'removes allUsers and keeps the rest',
      PUBLIC,
      false,
      {
        version: 1,
        etag: 'BwY=',
        bindings: [
          { role: 'roles/run.invoker', members: ['serviceAccount:ci@p.iam.gserviceaccount.com'] },
          { role: 'roles/run.developer', members: ['user:a@example.com'] },
        ],
      },
    ],
    [
      'drops a binding left empty',
      { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] },
      false,
      { bindings: [] },
    ],
    ['leaves a public service public', PUBLIC, true, undefined],
    ['leaves a private service private', PRIVATE, false, undefined],
  ])('%s', (_what, policy, allow, next) => {
    expect(planInvokerPolicy(policy, allow)).toEqual(next);
  });

  it('ignores a conditional binding of allUsers', () => {
    expect(
      isPublic({
        bindings: [{ role: 'roles/run.invoker', members: ['allUsers'], condition: { expression: 'false' } }],
      }),
    ).toBe(false);
  });
});
