import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { loadYamlStream } from '../../src/extract/read-documents.js';
import { fixture, REPO_ROOT } from './helpers.js';

// The full parser's reading: non-empty documents' values and the line their content starts on.
function fullRead(text: string): Array<{ value: unknown; line: number }> {
  const lineCounter = new LineCounter();
  return Array.from(parseAllDocuments(text, { lineCounter, merge: true }))
    .map((doc) => ({
      value: doc.toJS() as unknown,
      line: lineCounter.linePos(doc.contents?.range?.[0] ?? 0).line,
    }))
    .filter((doc) => doc.value !== null);
}

function fastRead(text: string): Array<{ value: unknown; line: number }> | null {
  const docs = loadYamlStream(text);
  return docs === null ? null : docs.filter((d) => d.value !== null);
}

// js-yaml must read these itself, with the same values and document lines as `yaml` (the full parser).
const ACCEPTED: Array<[string, string]> = [
  ['multi-document with a trailing separator', 'a: 1\n---\n'],
  ['empty document in the middle', 'a: 1\n---\n---\nb: 2\n'],
  ['empty text', ''],
  ['comments only', '# c\n'],
  [
    'core-schema scalars',
    "k: 1e3\nl: .5\nm: +1\nn: 010\no: 0x10\np: 1.\nr: 1_000\ns: 0o17\nt: .inf\nu: 12:30\nw: ~\nx: True\ny: 'it''s'\nz: \"a\\x41\\u00e9\\t\"\n",
  ],
  ['sequence at the same indent as its key', 'a:\n- 1\n- 2\nb: {c: 1, d: [x, "y", \'z\'], e: {}}\n'],
  ['literal blocks', 'a: |\n  x\n\n  y\n\nb: |-\n  z\n    deeper\nc: |\n  last\n'],
  ['compact and nested sequence items', 'a:\n  - name: x\n    v: 1\n  -\n    name: y\n  - \nc: d\n'],
  ['quoted colon', 'x: "a: b"\n'],
  ['colon inside a plain scalar', 'a: http://x.y/z\nb: a:b\n'],
  ['trailing comments', 'a: x # c\nb: "q" # c\n'],
  ['empty literal', 'a: |\nb: 1\n'],
  ['document end marker', '--- # x\na: 1\n...\n---\nb: 2\n'],
  ['space before the colon', 'key : v\n'],
  ['quoted keys', '"q k": v\n\'s k\': w\n'],
  ['trailing commas in flow', 'a: [1, 2,]\nb: {c: 1,}\n'],
  ['negative number', 'a: -1\n'],
  ['whole document indented', '  a: 1\n  b: 2\n'],
  ['JSON-style flow', 'a: {"x":1, "y": [true, null]}\n'],
  ['comment lines between keys', 'a: 1 #c\n#d\nb:\n  #e\n  c: 2\n'],
  ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
  ['byte-order mark', '\ufeffa: 1\n'],
  ['nested flow', 'x: [a, [b, c], {d: e}]\n'],
  ['empty strings', 'e: ""\nf: \'\'\n'],
  ['trailing spaces after a value', 'a: hello  \nb: 2\n'],
  ['hash without a space is content', 'a: x#y\n'],
  ['list of mappings with blank lines', 'items:\n  - a: 1\n\n  - b: 2\n'],
  ['a bare document after a document end marker', 'a: 1\n...\nb: 2\n'],
];

// Invalid YAML: js-yaml refuses it, so `yaml` reads it and reports the error with its line.
const REFUSED: Array<[string, string]> = [
  ['anchor and alias (left to `yaml`, which caps alias expansion)', 'a: &x 1\nb: *x\n'],
  ['merge key from an anchor', 'base: &b {c: 1}\nd:\n  <<: *b\n'],
  ['nested mapping on one line', 'a: b: c\n'],
  ['text after a quoted scalar', 'a: "x" y\n'],
  ['bad indentation', 'a: 1\n b: 2\n'],
  ['duplicate key', 'a: 1\na: 2\n'],
  ['unclosed flow sequence', 'a: [1, 2\nb: 3\n'],
];

describe('loadYamlStream', () => {
  it.each(ACCEPTED)('reads %s like the full parser', (_name, text) => {
    const fast = fastRead(text);
    expect(fast).not.toBeNull();
    expect(fast).toEqual(fullRead(text));
  });

  it.each(REFUSED)('refuses %s', (_name, text) => {
    expect(loadYamlStream(text)).toBeNull();
  });

  it('reads an inline merge key like the full parser', () => {
    const text = 'a:\n  <<: {b: 1}\n  c: 2\n';
    expect(fastRead(text)).toEqual(fullRead(text));
    expect(fastRead(text)?.[0]?.value).toEqual({ a: { b: 1, c: 2 } });
  });

  const corpus = join(REPO_ROOT, '../shared/corpus/real-world');
  const corpusYaml = [
    '02-guestbook-all-in-one.yaml',
    '03-cassandra-statefulset.yaml',
    '05-mysql-statefulset.yaml',
    '06-cronjob-v1beta1.yaml',
    '11-istio-bookinfo.yaml',
    '12-istio-kind-list.yaml',
    '22-cloud-run-multi-container-service.yaml',
    '14-podinfo-kustomize/deployment.yaml',
    '14-podinfo-kustomize/hpa.yaml',
    '14-podinfo-kustomize/service.yaml',
    '14-podinfo-kustomize/kustomization.yaml',
  ];
  it.each(corpusYaml)('reads the real-world file %s itself, like the full parser', (name) => {
    const text = readFileSync(join(corpus, name), 'utf8');
    const fast = fastRead(text);
    expect(fast).not.toBeNull();
    expect(fast).toEqual(fullRead(text));
  });

  const fixtures = readdirSync(new URL('../fixtures/extract/', import.meta.url)).filter((n) =>
    n.endsWith('.yaml'),
  );
  it.each(fixtures)('agrees with the full parser on fixture %s whenever it reads it', (name) => {
    const { text } = fixture(name);
    const fast = fastRead(text);
    if (fast !== null) expect(fast).toEqual(fullRead(text));
    else expect(['anchors-merge.yaml', 'broken-line-7.yaml', 'helm-deployment.yaml']).toContain(name);
  });
});
