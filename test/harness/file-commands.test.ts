// The GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE / GITHUB_PATH parsers accept what the runner accepts and
// reject what makes the runner fail the step.
import { parseKeyValueFile, parsePathFile } from './file-commands.js';

describe('parseKeyValueFile', () => {
  it.each([
    ['name=value lines', 'a=1\nb=two words\n', { a: '1', b: 'two words' }],
    ['a value holding = and <<', 'a=x=y<<z\n', { a: 'x=y<<z' }],
    ['an empty value', 'a=\n', { a: '' }],
    ['a heredoc block', 'msg<<EOF\nline 1\nline 2\nEOF\n', { msg: 'line 1\nline 2' }],
    ['an empty heredoc', 'msg<<EOF\nEOF\n', { msg: '' }],
    ['a heredoc keeping blank lines inside', 'm<<D\n\nx\n\nD\n', { m: '\nx\n' }],
    [
      '@actions/core’s delimiter form',
      'o<<ghadelimiter_1f2e\n{"a":1}\nghadelimiter_1f2e\n',
      { o: '{"a":1}' },
    ],
    ['CRLF line ends', 'a=1\r\nm<<E\r\nx\r\nE\r\n', { a: '1', m: 'x' }],
    ['blank lines between entries', '\na=1\n\n\nb=2\n', { a: '1', b: '2' }],
    ['a later entry winning', 'a=1\na=2\n', { a: '2' }],
    ['a hyphenated name', 'image-uri=x\n', { 'image-uri': 'x' }],
    ['an empty file', '', {}],
  ])('parses %s', (_label, content, expected) => {
    expect(parseKeyValueFile(content, 'GITHUB_OUTPUT')).toEqual(expected);
  });

  it.each([
    ['a line without = or <<', 'just text\n', /GITHUB_OUTPUT: line 1 is neither name=value nor name<<DELIM/],
    ['an unclosed heredoc', 'm<<EOF\nx\n', /heredoc for 'm' is never closed by 'EOF'/],
    ['an empty name', '=x\n', /line 1 has an empty name/],
    ['an empty delimiter', 'm<<\nx\n', /line 1 has an empty heredoc delimiter/],
  ])('rejects %s', (_label, content, message) => {
    expect(() => parseKeyValueFile(content, 'GITHUB_OUTPUT')).toThrow(message);
  });
});

describe('parsePathFile', () => {
  it.each([
    ['one entry per line, in order', '/a\n/b\n', ['/a', '/b']],
    ['blank lines and CRLF', '\r\n/a\r\n\r\n', ['/a']],
    ['an empty file', '', []],
  ])('parses %s', (_label, content, expected) => {
    expect(parsePathFile(content)).toEqual(expected);
  });
});
