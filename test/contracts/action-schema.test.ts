// Every action.yml is checked by GitHub's own schema (the one the Actions service and the VS Code extension
// use, from @actions/workflow-parser) and by Slipway's house rules on top of it.
import { NoOperationTraceWriter } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/index';
import { actionsUnderTest, readActions, shippedActions } from './actions-under-test.js';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Errors GitHub's schema reports for one manifest, as plain strings. */
function schemaErrors(name: string, text: string): string[] {
  const result = parseAction({ name: `${name}/action.yml`, content: text }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value === undefined && errors.length === 0) errors.push('the parser returned no template');
  return errors;
}

const actions = actionsUnderTest();
const all = actions.map((a) => [a.name, a] as const);
const cases = readActions(actions).map((a) => [a.name, a] as const);

describe('action.yml schema', () => {
  it('finds at least one shipped action under actions/*', () => {
    expect(shippedActions().map((a) => a.name)).not.toEqual([]);
  });

  it.each(all)('%s has a readable action.yml', (_name, action) => {
    expect(action.error).toBeUndefined();
  });

  it.each(all)('%s passes GitHub’s action schema', (name, action) => {
    expect(schemaErrors(name, action.text)).toEqual([]);
  });

  it.each(cases)('%s runs on node24 with a bundled main', (_name, action) => {
    expect(action.manifest.runs.using).toBe('node24');
    expect(action.manifest.runs.main).toBe('dist/index.js');
  });

  it.each(cases)('%s describes every input and output', (_name, action) => {
    const undescribed = [
      ...Object.entries(action.manifest.inputs).map(([n, s]) => [`input ${n}`, s.description] as const),
      ...Object.entries(action.manifest.outputs).map(([n, s]) => [`output ${n}`, s.description] as const),
    ]
      .filter(([, description]) => description === undefined || description.trim() === '')
      .map(([what]) => what);
    expect(undescribed).toEqual([]);
  });

  it.each(cases)('%s names inputs and outputs in kebab-case', (_name, action) => {
    const names = [...Object.keys(action.manifest.inputs), ...Object.keys(action.manifest.outputs)];
    expect(names.filter((n) => !KEBAB.test(n))).toEqual([]);
  });

  it.each(cases)('%s has branding with an icon and a colour', (_name, action) => {
    expect(action.manifest.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
  });
});

describe('the schema check can fail', () => {
  // Negative controls: if the parser were wired wrongly (e.g. a loose schema), these would pass silently.
  it.each([
    ['unknown runtime', 'name: x\ndescription: x\nruns:\n  using: node99\n  main: dist/index.js\n'],
    ['missing main', 'name: x\ndescription: x\nruns:\n  using: node24\n'],
    ['unknown top-level key', 'name: x\ndescription: x\nfoo: 1\nruns:\n  using: node24\n  main: a.js\n'],
    [
      'bad branding colour',
      'name: x\ndescription: x\nruns:\n  using: node24\n  main: a.js\nbranding:\n  color: pink\n',
    ],
    ['missing description', 'name: x\nruns:\n  using: node24\n  main: a.js\n'],
  ])('%s is rejected', (label, text) => {
    expect(schemaErrors(label, text)).not.toEqual([]);
  });

  it('a minimal valid manifest is accepted', () => {
    expect(schemaErrors('ok', 'name: x\ndescription: x\nruns:\n  using: node24\n  main: a.js\n')).toEqual([]);
  });

  it('names a kebab-case violation', () => {
    expect(
      ['aws-region', 'AwsRegion', 'aws_region', 'aws--region', '-x', 'x1-y2'].filter((n) => KEBAB.test(n)),
    ).toEqual(['aws-region', 'x1-y2']);
  });
});
