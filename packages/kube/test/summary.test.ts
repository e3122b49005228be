import type { DeployReport } from '../src/deploy.js';
import { appliedOutput, renderSummary } from '../src/summary.js';

const ref = (kind: string, name: string, namespace?: string) => ({
  apiVersion: 'v1',
  kind,
  name,
  ...(namespace === undefined ? {} : { namespace }),
});

function report(overrides: Partial<DeployReport> = {}): DeployReport {
  return {
    outcome: 'succeeded',
    namespace: 'shop',
    applied: [
      {
        ref: ref('Namespace', 'shop'),
        source: { file: 'k8s/ns.yaml', line: 1 },
        action: 'created',
        object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      },
      {
        ref: ref('Deployment', 'web', 'shop'),
        source: { file: 'k8s/web.yaml', line: 3 },
        action: 'configured',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
      },
    ],
    skipped: [],
    images: ['ghcr.io/acme/web:2'],
    replacements: [],
    warnings: [],
    rollouts: [
      { ref: ref('Deployment', 'web', 'shop'), state: 'done', message: '2 of 2 replicas available' },
    ],
    diagnoses: [],
    rollbacks: [],
    ...overrides,
  };
}

describe('renderSummary', () => {
  it('tables each object with its apply and rollout', () => {
    const md = renderSummary(report(), 'EKS cluster `prod` (us-east-1)', 'deploy-eks');
    expect(md).toContain('## deploy-eks: succeeded');
    expect(md).toContain('| Namespace |  | shop | created |  | k8s/ns.yaml:1 |');
    expect(md).toContain(
      '| Deployment | shop | web | configured | ✅ rolled out: 2 of 2 replicas available | k8s/web.yaml:3 |',
    );
    expect(md).toContain('Images: `ghcr.io/acme/web:2`');
  });

  it('explains a failure with the diagnosis, logs, events and the rollback', () => {
    const web = ref('Deployment', 'web', 'shop');
    const md = renderSummary(
      report({
        outcome: 'failed',
        failure: 'the rollout failed',
        rollouts: [{ ref: web, state: 'failed', message: 'deployment "web" exceeded its progress deadline' }],
        diagnoses: [
          {
            ref: web,
            problems: ['pod web-1: container web: CrashLoopBackOff'],
            logs: [{ pod: 'web-1', container: 'web', lines: ['panic: | pipe'] }],
            events: ['Pod/web-1: BackOff: restarting'],
            adjustments: [],
          },
        ],
        rollbacks: [
          {
            ref: web,
            result: { rolledBack: true, fromRevision: 3, toRevision: 2, images: ['web:1'] },
            state: 'done',
          },
        ],
        warnings: ['images: x matched no container'],
      }),
      'target',
      'deploy-gke',
    );
    expect(md).toContain('## deploy-gke: failed');
    expect(md).toContain(
      '❌ failed: deployment "web" exceeded its progress deadline ↩ rolled back to revision 2 |',
    );
    expect(md).toContain('- `deployment/shop/web`: pod web-1: container web: CrashLoopBackOff');
    expect(md).toContain(
      '<details><summary>Last log lines of web-1 / web</summary>\n\n```\npanic: | pipe\n```',
    );
    expect(md).toContain('### Warnings\n\n- images: x matched no container');
  });

  it('says a dry run changed nothing and shows the diffs', () => {
    const md = renderSummary(
      report({
        outcome: 'dry-run',
        applied: [{ ...report().applied[1]!, diff: '--- a\n+++ b\n@@\n-x\n+y\n' }],
        rollouts: [],
      }),
      'target',
      'deploy-eks',
    );
    expect(md).toContain('## deploy-eks: dry run: nothing was changed');
    expect(md).toContain('| Deployment | shop | web | would be configured |');
    expect(md).toContain('```diff\n--- a\n+++ b\n@@\n-x\n+y\n```');
  });
});

describe('appliedOutput', () => {
  it('lists kind, namespace (null when cluster-scoped), name, changed and action', () => {
    expect(appliedOutput(report())).toEqual([
      { kind: 'Namespace', namespace: null, name: 'shop', changed: true, action: 'created' },
      { kind: 'Deployment', namespace: 'shop', name: 'web', changed: true, action: 'configured' },
    ]);
  });
});
