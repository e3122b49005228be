// The leak check finds secrets in log lines (but not in the ::add-mask:: line that registers them), in
// summaries and in outputs, line by line for multi-line secrets, and never prints the secret it found.
import { describeLeaks, findLeaks, redact, secretNeedles } from './leaks.js';

describe('secretNeedles', () => {
  it.each([
    ['a single-line secret', ['abcdef'], ['abcdef']],
    [
      'each line of a multi-line secret',
      ['-----BEGIN-----\nMIIkey\n-----END-----'],
      ['-----BEGIN-----\nMIIkey\n-----END-----', '-----BEGIN-----', 'MIIkey', '-----END-----'],
    ],
    ['no values shorter than 3 characters', ['ab', '', '  x '], []],
    ['duplicates once', ['same', 'same'], ['same']],
  ])('yields %s', (_label, secrets, needles) => {
    expect(secretNeedles(secrets)).toEqual(needles);
  });
});

describe('findLeaks', () => {
  const secret = 'hunter2-secret';
  it.each([
    ['nowhere', ['::add-mask::hunter2-secret', 'all good'], 'ok', []],
    ['in a log line', ['::add-mask::hunter2-secret', 'x', `pw=${secret}`], 'ok', [{ where: 'log', line: 3 }]],
    ['in the summary', ['fine'], `| pw | ${secret} |`, [{ where: 'summary', line: 1 }]],
    [
      'in both',
      [secret],
      secret,
      [
        { where: 'log', line: 1 },
        { where: 'summary', line: 1 },
      ],
    ],
  ])('finds a secret %s', (_label, log, summary, expected) => {
    const leaks = findLeaks(
      [secret],
      [
        {
          where: 'log',
          lines: log,
          skipLines: new Set(log.flatMap((l, i) => (l.startsWith('::add-mask::') ? [i] : []))),
        },
        { where: 'summary', lines: summary.split('\n') },
      ],
    );
    expect(leaks.map(({ where, line }) => ({ where, line }))).toEqual(expected);
  });

  it('never includes the secret in what it reports', () => {
    const leaks = findLeaks([secret], [{ where: "output 'x'", lines: [secret] }]);
    const message = describeLeaks('demo', leaks);
    expect(message).toBe(
      `secret leak in demo: a masked value or a secret appears in plain text\n  - secret ${redact(secret)} in output 'x' (line 1)`,
    );
    expect(message).not.toContain(secret);
  });
});
