// Contract: an action reads exactly the inputs its action.yml declares — no more, no fewer.
//
// Convention (every action, and the harness fixture, follows it):
//   - `src/inputs.ts` is the only code that touches inputs. Besides `readInputs` and the `Inputs` type it
//     exports `export const INPUT_NAMES = ['aws-region', ...] as const`: every input of action.yml.
//   - It reads each input through `@slipway/core`'s InputReader with the name as a string literal, e.g.
//     `r.string('aws-region', …)`, `r.boolean('dry-run', …)`; a name is never computed.
//   - `readInputs(source?: InputSource)` takes the input source as its first argument (the runner's
//     environment by default), so tests and this contract can feed it.
//
// What is checked, without type-level tricks:
//   (a) INPUT_NAMES holds no duplicates and equals the set of action.yml inputs;
//   (b) the source of src/inputs.ts reads every declared name through a reader call, and no other name;
//   (c) running readInputs with an empty, recording source asks only for declared names (inputs read
//       conditionally may not be asked for, so this direction is a subset check; (b) covers the rest).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, InputReader } from '@slipway/core';
import type { InputSource } from '@slipway/core';
import { readActions } from './actions-under-test.js';

interface InputsModule {
  INPUT_NAMES?: readonly string[];
  readInputs?: (source?: InputSource) => unknown;
}

// Every public InputReader method takes the input's name first; derived from the class so new readers count.
const READER_METHODS = Object.getOwnPropertyNames(InputReader.prototype).filter(
  (m) => m !== 'constructor' && m !== 'done' && m !== 'problems',
);

/** Input names read by `<receiver>.<reader method>('name'` calls in a source text. */
function readerCallNames(source: string): string[] {
  const call = new RegExp(
    `\\b[A-Za-z_$][\\w$]*\\s*\\.\\s*(?:${READER_METHODS.join('|')})\\s*\\(\\s*(['"\`])([^'"\`$]+)\\1`,
    'g',
  );
  return [...source.matchAll(call)].map((m) => m[2] ?? '');
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

// Unreadable manifests fail in action-schema.test.ts.
const cases = readActions().map((a) => [a.name, a] as const);

describe.each(cases)('%s inputs', (_name, action) => {
  const file = join(action.dir, 'src', 'inputs.ts');
  const declared = sorted(Object.keys(action.manifest.inputs));
  let mod: InputsModule;

  beforeAll(async () => {
    mod = existsSync(file) ? ((await import(pathToFileURL(file).href)) as InputsModule) : {};
  });

  it('has src/inputs.ts exporting INPUT_NAMES and readInputs', () => {
    expect({
      file: existsSync(file),
      names: Array.isArray(mod.INPUT_NAMES),
      reader: typeof mod.readInputs,
    }).toEqual({
      file: true,
      names: true,
      reader: 'function',
    });
  });

  it('INPUT_NAMES equals the action.yml inputs, without duplicates', () => {
    const names = [...(mod.INPUT_NAMES ?? [])];
    expect(names.length).toBe(new Set(names).size);
    expect(sorted(names)).toEqual(declared);
  });

  it('src/inputs.ts reads every declared input and no other', () => {
    const read = sorted(readerCallNames(readFileSync(file, 'utf8')));
    expect({
      notRead: declared.filter((n) => !read.includes(n)),
      undeclared: read.filter((n) => !declared.includes(n)),
    }).toEqual({ notRead: [], undeclared: [] });
  });

  it('readInputs asks its source only for declared inputs', () => {
    const asked = new Set<string>();
    const source: InputSource = (name) => {
      asked.add(name);
      return undefined;
    };
    try {
      mod.readInputs?.(source);
    } catch (e) {
      // Required inputs are missing on purpose; anything but an InputError is a real failure.
      if (!(e instanceof InputError)) throw e;
    }
    // An action with inputs that asks for none would make this check vacuous.
    expect(asked.size > 0 || declared.length === 0).toBe(true);
    expect([...asked].filter((n) => !declared.includes(n))).toEqual([]);
  });
});

describe('the reader-call scan', () => {
  it.each([
    ["r.string('aws-region', { required: true })", ['aws-region']],
    ['reader.boolean("dry-run")', ['dry-run']],
    ['r\n  .duration(`timeout`, { default: "10m" })', ['timeout']],
    ["r.enum('platform', ['ecs', 'run'])", ['platform']],
    ["r.fail('min', 'must not exceed max')", ['min']],
    ['r.string(`prefix-${x}`)', []],
    ["items.map((x) => x); s.split(','); s.replace('a', 'b'); JSON.parse('{}')", []],
  ])('reads %j as %j', (source, names) => {
    expect(readerCallNames(source)).toEqual(names);
  });

  it('knows the core reader methods', () => {
    expect(READER_METHODS).toEqual(
      expect.arrayContaining(['string', 'optionalString', 'boolean', 'list', 'map']),
    );
  });
});
