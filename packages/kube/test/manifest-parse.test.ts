import { parseManifests } from '../src/manifest-parse.js';

const deployment = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec: {}\n`;

describe('parseManifests', () => {
  it.each([
    {
      name: 'multi-document YAML, each object at its first line, empty documents skipped',
      text: `${deployment('a')}---\n---\n# a comment\n${deployment('b')}`,
      objects: [
        ['Deployment', 'a', 1],
        ['Deployment', 'b', 9],
      ],
    },
    {
      name: 'a kind: List, each item at its own line',
      text: 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: one}\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: two}\n',
      objects: [
        ['ConfigMap', 'one', 4],
        ['Secret', 'two', 7],
      ],
    },
    {
      name: 'a typed list (ConfigMapList) is a list too',
      text: '{"apiVersion":"v1","kind":"ConfigMapList","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}]}',
      objects: [['ConfigMap', 'c', 1]],
    },
    {
      name: 'JSON',
      text: '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {"name": "shop"}\n}\n',
      objects: [['Namespace', 'shop', 1]],
    },
  ])('reads $name', ({ text, objects }) => {
    const parsed = parseManifests(text, 'm.yaml');
    expect(parsed.errors).toEqual([]);
    expect(parsed.manifests.map((m) => [m.object.kind, m.object.metadata.name, m.source.line])).toEqual(
      objects,
    );
    expect(parsed.manifests.every((m) => m.source.file === 'm.yaml')).toBe(true);
  });

  it('reads YAML 1.1 as kubectl does: 0644 is octal, anchors and merge keys resolve', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n    - name: v\n      secret: {secretName: s, defaultMode: 0644}\n  containers:\n    - &base {name: a, image: x}\n    - <<: *base\n      name: b\n';
    const [m] = parseManifests(text, 'p.yaml').manifests;
    const spec = m?.object.spec as {
      volumes: Array<{ secret: { defaultMode: number } }>;
      containers: Array<{ name: string; image: string }>;
    };
    expect(spec.volumes[0]?.secret.defaultMode).toBe(0o644);
    expect(spec.containers).toEqual([
      { name: 'a', image: 'x' },
      { name: 'b', image: 'x' },
    ]);
  });

  it.each([
    {
      name: 'a syntax error',
      text: `${deployment('a')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x: y\n`,
      line: 10,
      problem: /^YAML syntax error: Nested mappings are not allowed in compact mappings$/,
    },
    {
      name: 'an object without kind',
      text: 'apiVersion: v1\nmetadata: {name: x}\n',
      line: 1,
      problem: /^object has no kind$/,
    },
    {
      name: 'an object without apiVersion',
      text: 'kind: Service\nmetadata: {name: x}\n',
      line: 1,
      problem: /^Service has no apiVersion$/,
    },
    {
      name: 'a bad apiVersion',
      text: 'apiVersion: apps/v1/extra\nkind: Deployment\nmetadata: {name: x}\n',
      line: 1,
      problem: /has an invalid apiVersion "apps\/v1\/extra"/,
    },
    {
      name: 'an object without a name',
      text: 'apiVersion: v1\nkind: Service\nmetadata: {}\n',
      line: 1,
      problem: /^Service has no metadata\.name$/,
    },
    {
      name: 'generateName',
      text: 'apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-}\n',
      line: 1,
      problem: /server-side apply cannot use/,
    },
    {
      name: 'an invalid name',
      text: 'apiVersion: v1\nkind: Service\nmetadata: {name: Web_1}\n',
      line: 1,
      problem: /name "Web_1" is not a valid name/,
    },
    { name: 'a scalar document', text: 'just a string\n', line: 1, problem: /must be a mapping/ },
    {
      name: 'a bad List item',
      text: 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    metadata: {name: x}\n',
      line: 4,
      problem: /^List item 1: object has no kind$/,
    },
  ])('reports $name at its line, and keeps the good objects', ({ text, line, problem }) => {
    const parsed = parseManifests(`${text}`, 'bad.yaml');
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]?.location).toEqual({ file: 'bad.yaml', line });
    expect(parsed.errors[0]?.problem).toMatch(problem);
    expect(parsed.errors[0]?.message).toBe(`bad.yaml:${line}: ${parsed.errors[0]?.problem ?? ''}`);
  });

  it('reports one error per broken document, not its echoes', () => {
    const parsed = parseManifests('a: [\nb: c\n---\nkind: [\n', 'x.yaml');
    expect(parsed.errors.map((e) => e.location.line)).toHaveLength(2);
  });
});
