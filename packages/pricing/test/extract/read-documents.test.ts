import { readDocuments } from '../../src/extract/read-documents.js';
import { fixture } from './helpers.js';

describe('readDocuments', () => {
  it('reports a YAML syntax error at its line and still reads the other documents', () => {
    const { path, text } = fixture('broken-line-7.yaml');
    const read = readDocuments(path, text);
    // Line 7 is `    spec: [containers`: a flow sequence that never closes.
    expect(read.errors).toEqual([
      {
        file: path,
        line: 7,
        message: expect.stringMatching(/^YAML syntax error: .+ \(column \d+\)$/) as unknown,
      },
    ]);
    // The second document starts after the separator on line 9.
    expect(read.docs.map((d) => d.line)).toEqual([10]);
  });

  it('reports a JSON syntax error at its line', () => {
    const { path, text } = fixture('broken-task-def-line-4.json');
    // Line 4 is `  "memory" "512",`: the colon is missing.
    expect(readDocuments(path, text)).toEqual({
      docs: [],
      errors: [{ file: path, line: 4, message: "JSON syntax error: expected ':' after a property name" }],
    });
  });

  it('skips empty documents and comment banners', () => {
    const read = readDocuments(
      'a.yaml',
      '# banner\n\n---\n# only a comment\n---\napiVersion: v1 # trailing\nkind: A\n---\n',
    );
    expect(read.errors).toEqual([]);
    expect(read.docs.map((d) => [d.line, d.value])).toEqual([[6, { apiVersion: 'v1', kind: 'A' }]]);
  });

  it.each<[string, Array<string | number>, number]>([
    // native-sidecars.yaml: the second init container's restartPolicy is on line 22, the app container's cpu
    // request on line 38 (a flow mapping on that line), the overhead memory on line 42.
    ['fast reader', ['spec', 'template', 'spec', 'initContainers', 1, 'restartPolicy'], 22],
    ['fast reader', ['spec', 'template', 'spec', 'containers', 0, 'resources', 'requests', 'cpu'], 38],
    ['fast reader', ['spec', 'template', 'spec', 'overhead', 'memory'], 42],
    ['fast reader, missing key: closest ancestor', ['spec', 'template', 'spec', 'containers', 0, 'nope'], 35],
  ])('finds field lines (%s) %p → %p', (_how, path, line) => {
    const { path: file, text } = fixture('native-sidecars.yaml');
    const [doc] = readDocuments(file, text).docs;
    expect(doc?.line).toBe(2);
    expect(doc?.lineOf(path)).toBe(line);
  });

  it('reads anchors, aliases and merge keys with the full parser, lines included', () => {
    const { path, text } = fixture('anchors-merge.yaml');
    const read = readDocuments(path, text);
    expect(read.errors).toEqual([]);
    const deployment = read.docs[1];
    expect(deployment?.line).toBe(5);
    const spec = (
      deployment?.value as { spec: { template: { spec: { containers: Array<{ resources: unknown }> } } } }
    ).spec;
    const merged = { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '400m' } };
    expect(spec.template.spec.containers.map((c) => c.resources)).toEqual([merged, merged]);
    // Container `b` starts on line 19; its `resources` alias is on line 21.
    expect(deployment?.itemLines(['spec', 'template', 'spec', 'containers'])).toEqual([14, 19]);
    expect(deployment?.lineOf(['spec', 'template', 'spec', 'containers', 1, 'resources'])).toBe(21);
  });

  it('reads JSON with lines for fields and list items', () => {
    const { path, text } = fixture('list.json');
    const [doc] = readDocuments(path, text).docs;
    expect(doc?.line).toBe(1);
    expect(doc?.itemLines(['items'])).toEqual([5, 11]);
    expect(doc?.lineOf(['items', 1, 'spec'])).toBe(15);
  });

  it('reads a JSON object in a .yaml file as JSON', () => {
    const read = readDocuments('x.yaml', '\n{"kind": "Pod"}');
    expect(read.docs.map((d) => [d.line, d.value])).toEqual([[2, { kind: 'Pod' }]]);
  });
});
