import * as core from '../src/index.js';

describe('@slipway/core public API', () => {
  it.each([
    'InputError',
    'InputReader',
    'envInputSource',
    'readInputs',
    'runAction',
    'describeError',
    'isRetryable',
    'retry',
    'backoffDelay',
    'TimeoutError',
    'pollRollout',
    'setOutputs',
    'mask',
    'annotate',
    'group',
    'log',
    'SummaryBuilder',
    'escapeMarkdownCell',
    'parseImageRef',
    'formatImageRef',
    'withDigest',
    'isValidTag',
  ])('exports %s', (name) => {
    expect(core).toHaveProperty(name);
    expect(['function', 'object']).toContain(typeof (core as Record<string, unknown>)[name]);
  });

  it('has no default export', () => {
    expect(core).not.toHaveProperty('default');
  });
});
