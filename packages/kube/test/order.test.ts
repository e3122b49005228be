import { sortForApply } from '../src/order.js';
import type { Manifest } from '../src/types.js';

const m = (kind: string, name = kind.toLowerCase()): Manifest => ({
  object: { apiVersion: 'v1', kind, metadata: { name } },
  source: { file: 'f', line: 1 },
});

describe('sortForApply', () => {
  it('puts definitions and namespaces first, workloads after what they read, custom resources last, stably', () => {
    const sorted = sortForApply([
      m('Deployment', 'a'),
      m('Widget'),
      m('Service'),
      m('ConfigMap'),
      m('Namespace'),
      m('CustomResourceDefinition'),
      m('Deployment', 'b'),
      m('ServiceAccount'),
    ]);
    expect(sorted.map((x) => `${x.object.kind}/${String(x.object.metadata.name)}`)).toEqual([
      'CustomResourceDefinition/customresourcedefinition',
      'Namespace/namespace',
      'ServiceAccount/serviceaccount',
      'ConfigMap/configmap',
      'Service/service',
      'Deployment/a',
      'Deployment/b',
      'Widget/widget',
    ]);
  });
});
