import { compileGlobs, globToRegExp, isGlob } from '../src/glob.js';

describe('isGlob', () => {
  it.each([
    ['**/*.yaml', true],
    ['k8s/{a,b}.yaml', true],
    ['file?.yml', true],
    ['[ab].json', true],
    ['!vendor/**', true],
    ['k8s/deploy.yaml', false],
    ['examples/', false],
    ['.', false],
  ])('%s → %s', (pattern, expected) => {
    expect(isGlob(pattern)).toBe(expected);
  });
});

describe('globToRegExp', () => {
  it.each([
    ['**/*.yaml', 'a.yaml', true],
    ['**/*.yaml', 'a/b/c.yaml', true],
    ['**/*.yaml', 'a/b/c.yml', false],
    ['**/*.yaml', '.github/workflows/ci.yaml', false],
    ['**/*.yaml', 'a/.hidden.yaml', false],
    ['*.yaml', 'a/b.yaml', false],
    ['*.yaml', 'b.yaml', true],
    ['k8s/**', 'k8s/a/b.yaml', true],
    ['k8s/**', 'k8sx/a.yaml', false],
    ['**/*.{yaml,yml}', 'x/y.yml', true],
    ['**/*.{yaml,yml}', 'x/y.json', false],
    ['task-?.json', 'task-1.json', true],
    ['task-?.json', 'task-10.json', false],
    ['[ab]*.json', 'api.json', true],
    ['[!ab]*.json', 'api.json', false],
    ['./deploy/*.yaml', 'deploy/web.yaml', true],
    ['a.b/*.yaml', 'aXb/c.yaml', false],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(globToRegExp(pattern).test(path)).toBe(expected);
  });
});

describe('compileGlobs', () => {
  it.each([
    [['**/*.yaml', '!vendor/**'], 'vendor/x.yaml', false],
    [['**/*.yaml', '!vendor/**'], 'app/x.yaml', true],
    [['!vendor/**'], 'app/x.yaml', false],
    [['a/*.json', 'b/*.json'], 'b/t.json', true],
  ])('%j on %s → %s', (patterns, path, expected) => {
    expect(compileGlobs(patterns)(path)).toBe(expected);
  });
});
