// traffic-split's gates against real things: the HTTP probe against the candidate app stand-in (a real HTTP
// server that fails or slows down when told), the command gate with a real bash, the alarm gate's verdicts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AlarmGate,
  CommandGate,
  HttpProbeGate,
  judgeProbe,
  percentile,
  probeTarget,
  spawnRunner,
} from '../../actions/traffic-split/src/gates.js';
import type { GateContext } from '../../actions/traffic-split/src/gates.js';
import { CandidateApp } from '../stand-ins/candidate-app.js';

const app = new CandidateApp({ version: 'v2' });
beforeAll(() => app.start());
afterAll(() => app.stop());

const context = (over: Partial<GateContext> = {}): GateContext => ({
  weights: { stable: 75, candidate: 25 },
  stable: 'v1',
  candidate: 'v2',
  candidateUrl: undefined,
  signal: new AbortController().signal,
  ...over,
});

it('percentile uses the nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(values, 95)).toBe(95);
  expect(percentile(values, 100)).toBe(100);
  expect(percentile([7], 50)).toBe(7);
});

it('judgeProbe names the thresholds that failed and the failures seen', () => {
  const samples = [
    ...Array.from({ length: 8 }, () => ({ ok: true, ms: 20, status: 'HTTP 200' })),
    { ok: false, ms: 900, status: 'HTTP 503' },
    { ok: false, ms: 5000, status: 'ECONNREFUSED' },
  ];
  expect(judgeProbe(samples, 0.95, [{ percentile: 90, maxMs: 500 }])).toEqual({
    passed: false,
    evidence:
      'success 80.0 % < 95 %; p90 900 ms > 500 ms (8/10 succeeded (80.0 %), p90 900 ms, failures: 1× HTTP 503, 1× ECONNREFUSED)',
  });
});

it('probeTarget resolves a path against the candidate URL only', () => {
  expect(probeTarget('/healthz', 'https://candidate---web-abc.a.run.app')).toBe(
    'https://candidate---web-abc.a.run.app/healthz',
  );
  expect(probeTarget('/healthz', undefined)).toBeUndefined();
  expect(probeTarget('http://x.test/a', undefined)).toBe('http://x.test/a');
});

describe('HTTP probe', () => {
  const settings = (over = {}) => ({
    url: `${app.url}/healthz`,
    requests: 20,
    successRatio: 0.95,
    latency: [{ percentile: 95, maxMs: 300 }],
    timeoutMs: 2000,
    headers: { authorization: 'Bearer probe-secret' },
    ...over,
  });

  it('passes on a healthy candidate, sending the headers', async () => {
    app.heal();
    app.clearJournal();
    const verdict = await new HttpProbeGate(settings()).check(context());
    expect(verdict.passed).toBe(true);
    expect(verdict.evidence).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/healthz: 20\/20 succeeded \(100\.0 %\), p95 \d+ ms$/,
    );
    expect(app.journal).toHaveLength(20);
    expect(app.journal[0]?.headers.authorization).toBe('Bearer probe-secret');
  });

  it('fails when the candidate starts failing', async () => {
    app.heal();
    app.fail(0.5);
    const verdict = await new HttpProbeGate(settings()).check(context());
    expect(verdict.passed).toBe(false);
    expect(verdict.evidence).toContain('success 50.0 % < 95 %');
    expect(verdict.evidence).toContain('failures: 10× HTTP 503');
  });

  it('fails when the candidate slows down past the latency threshold', async () => {
    app.heal();
    app.slow(400);
    const verdict = await new HttpProbeGate(settings({ requests: 4 })).check(context());
    expect(verdict.passed).toBe(false);
    expect(verdict.evidence).toMatch(/p95 4\d\d ms > 300 ms/);
  });

  it('counts a timeout as a failure', async () => {
    app.heal();
    app.slow(600);
    const verdict = await new HttpProbeGate(settings({ requests: 2, timeoutMs: 200, latency: [] })).check(
      context(),
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.evidence).toContain('2× timeout after 200 ms');
    app.heal();
  });

  it('keeps the query string out of the evidence', async () => {
    const verdict = await new HttpProbeGate(
      settings({ url: `${app.url}/healthz?token=s3cret`, requests: 1 }),
    ).check(context());
    expect(verdict.evidence).not.toContain('s3cret');
  });
});

describe('command gate', () => {
  const quiet = spawnRunner(() => undefined);
  it('passes on exit 0 and sees the weights', async () => {
    const verdict = await new CommandGate(
      'echo "at $SLIPWAY_CANDIDATE_WEIGHT% for $SLIPWAY_CANDIDATE"',
      quiet,
    ).check(context());
    expect(verdict).toEqual({ gate: 'check-command', passed: true, evidence: 'exit 0: at 25% for v2' });
  });

  it('fails on a non-zero exit with the last line of output', async () => {
    const verdict = await new CommandGate('echo checking; echo "error rate 7%" >&2; exit 3', quiet).check(
      context(),
    );
    expect(verdict).toEqual({ gate: 'check-command', passed: false, evidence: 'exit 3: error rate 7%' });
  });

  it('fails a pipeline whose first command fails (pipefail)', async () => {
    const verdict = await new CommandGate('false | cat', quiet).check(context());
    expect(verdict.passed).toBe(false);
  });
});

describe('alarm gate', () => {
  const source = (alarms: Array<{ name: string; state: string; reason: string }>) => ({
    describe: () => Promise.resolve(alarms),
  });
  it('passes on OK and INSUFFICIENT_DATA, naming each state', async () => {
    const ok = await new AlarmGate(
      ['a', 'b'],
      source([
        { name: 'a', state: 'OK', reason: '' },
        { name: 'b', state: 'INSUFFICIENT_DATA', reason: '' },
      ]),
    ).check();
    expect(ok).toEqual({ gate: 'cloudwatch-alarms', passed: true, evidence: 'a OK, b INSUFFICIENT_DATA' });
  });

  it('fails on an alarm in ALARM, with its reason', async () => {
    const firing = await new AlarmGate(
      ['a', 'c'],
      source([
        { name: 'a', state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [12.0] was greater than 5.0' },
        { name: 'c', state: 'OK', reason: '' },
      ]),
    ).check();
    expect(firing).toEqual({
      gate: 'cloudwatch-alarms',
      passed: false,
      evidence: 'in ALARM: a (Threshold Crossed: 1 datapoint [12.0] was greater than 5.0); c OK',
    });
  });
});
