/**
 * Health gates, run at every step: an HTTP probe of the candidate, CloudWatch alarms by name, and a command whose
 * non-zero exit fails the gate. Each returns a verdict with its evidence, for the log and the job summary.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Weights } from '@slipway/core';
import type { LatencyThreshold, ProbeSettings } from './inputs.js';

/** What a gate found. */
export interface GateVerdict {
  gate: string;
  passed: boolean;
  /** One line for the log, the summary and the error. */
  evidence: string;
}

/** Where the release is when a gate runs. */
export interface GateContext {
  weights: Weights;
  stable: string | undefined;
  candidate: string;
  /** The candidate's own URL, when the platform gives one. */
  candidateUrl: string | undefined;
  signal: AbortSignal;
}

/** One health check. */
export interface Gate {
  readonly name: string;
  check(context: GateContext): Promise<GateVerdict>;
}

/** The value at percentile `p` (0–100] of sorted `values`, nearest-rank method. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** The outcome of one probe request. */
interface Sample {
  ok: boolean;
  ms: number;
  /** HTTP status, or the error code of a failed connection. */
  status: string;
}

/** Judges probe samples against the thresholds. */
export function judgeProbe(
  samples: Sample[],
  successRatio: number,
  latency: LatencyThreshold[],
): { passed: boolean; evidence: string } {
  const ok = samples.filter((s) => s.ok).length;
  const ratio = samples.length === 0 ? 0 : ok / samples.length;
  const problems: string[] = [];
  const facts: string[] = [`${ok}/${samples.length} succeeded (${(ratio * 100).toFixed(1)} %)`];
  if (ratio < successRatio) problems.push(`success ${(ratio * 100).toFixed(1)} % < ${successRatio * 100} %`);
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  for (const threshold of latency) {
    const value = percentile(times, threshold.percentile);
    facts.push(`p${threshold.percentile} ${formatMs(value)}`);
    if (value > threshold.maxMs)
      problems.push(`p${threshold.percentile} ${formatMs(value)} > ${formatMs(threshold.maxMs)}`);
  }
  const failures = new Map<string, number>();
  for (const s of samples) if (!s.ok) failures.set(s.status, (failures.get(s.status) ?? 0) + 1);
  if (failures.size > 0)
    facts.push(
      `failures: ${[...failures]
        .sort((a, b) => b[1] - a[1])
        .map(([status, n]) => `${n}× ${status}`)
        .join(', ')}`,
    );
  return {
    passed: problems.length === 0,
    evidence: problems.length === 0 ? facts.join(', ') : `${problems.join('; ')} (${facts.join(', ')})`,
  };
}

/** The URL to probe: the input when absolute, else the path on the candidate's own URL. */
export function probeTarget(url: string, candidateUrl: string | undefined): string | undefined {
  if (!url.startsWith('/')) return url;
  if (candidateUrl === undefined) return undefined;
  return new URL(url, candidateUrl).toString();
}

/** Sends `requests` GETs (4 at a time) and judges them; a 2xx or 3xx answer is a success. */
export class HttpProbeGate implements Gate {
  readonly name = 'http-probe';
  constructor(
    private readonly settings: ProbeSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async check(context: GateContext): Promise<GateVerdict> {
    const url = probeTarget(this.settings.url, context.candidateUrl);
    if (url === undefined)
      return {
        gate: this.name,
        passed: false,
        evidence: `no URL to probe: ${this.settings.url} is a path and the candidate has no URL of its own`,
      };
    const samples: Sample[] = [];
    let next = 0;
    const worker = async () => {
      while (next < this.settings.requests && !context.signal.aborted) {
        next += 1;
        samples.push(await this.#one(url, context.signal));
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, this.settings.requests) }, worker));
    const verdict = judgeProbe(samples, this.settings.successRatio, this.settings.latency);
    return { gate: this.name, passed: verdict.passed, evidence: `GET ${redact(url)}: ${verdict.evidence}` };
  }

  async #one(url: string, outer: AbortSignal): Promise<Sample> {
    const started = performance.now();
    try {
      const response = await this.fetchImpl(url, {
        headers: { 'user-agent': 'slipway-traffic-split', ...this.settings.headers },
        redirect: 'manual',
        signal: AbortSignal.any([outer, AbortSignal.timeout(this.settings.timeoutMs)]),
      });
      // Read the body so that the time includes it and the connection is reused.
      await response.arrayBuffer();
      const ms = performance.now() - started;
      return { ok: response.status >= 200 && response.status < 400, ms, status: `HTTP ${response.status}` };
    } catch (error) {
      const ms = performance.now() - started;
      const e = error as { name?: string; cause?: { code?: string } };
      const status =
        e.name === 'TimeoutError'
          ? `timeout after ${formatMs(this.settings.timeoutMs)}`
          : (e.cause?.code ?? e.name ?? 'error');
      return { ok: false, ms, status };
    }
  }
}

/** A URL without its query string and user info, which may carry tokens. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    if (parsed.search !== '') parsed.search = '?…';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** A CloudWatch alarm as the gate sees it. */
export interface AlarmState {
  name: string;
  state: string;
  reason: string;
}

/** Reads alarms by name; throws when one does not exist. */
export interface AlarmSource {
  describe(names: string[]): Promise<AlarmState[]>;
}

/** Fails when any named alarm is in ALARM (or no longer exists); INSUFFICIENT_DATA passes, with a note. */
export class AlarmGate implements Gate {
  readonly name = 'cloudwatch-alarms';
  constructor(
    private readonly names: string[],
    private readonly source: AlarmSource,
  ) {}

  async check(): Promise<GateVerdict> {
    const alarms = await this.source.describe(this.names);
    const firing = alarms.filter((a) => a.state === 'ALARM');
    const parts: string[] = [];
    if (firing.length > 0)
      parts.push(`in ALARM: ${firing.map((a) => `${a.name} (${a.reason.slice(0, 200)})`).join('; ')}`);
    const quiet = alarms.filter((a) => a.state !== 'ALARM').map((a) => `${a.name} ${a.state}`);
    if (quiet.length > 0) parts.push(quiet.join(', '));
    return { gate: this.name, passed: firing.length === 0, evidence: parts.join('; ') };
  }
}

/** How a command gate runs its command. */
export interface CommandRunner {
  (
    command: string,
    env: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ exitCode: number | null; signal: string | null; output: string }>;
}

/** Runs the command with bash (sh when there is no bash), streaming its output to the log; keeps the tail. */
export function spawnRunner(write: (text: string) => void = (t) => process.stdout.write(t)): CommandRunner {
  return (command, env, signal) =>
    new Promise((resolve, reject) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        signal,
      });
      let tail = '';
      const keep = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        write(text);
        tail = (tail + text).slice(-4000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.name === 'AbortError') return;
        reject(error);
      });
      child.on('close', (exitCode, sig) => resolve({ exitCode, signal: sig, output: tail }));
    });
}

/** Runs `check-command`; a non-zero exit fails the gate. The step's weights are in its environment. */
export class CommandGate implements Gate {
  readonly name = 'check-command';
  constructor(
    private readonly command: string,
    private readonly run: CommandRunner = spawnRunner(),
  ) {}

  async check(context: GateContext): Promise<GateVerdict> {
    const env: Record<string, string> = {
      SLIPWAY_CANDIDATE: context.candidate,
      SLIPWAY_STABLE: context.stable ?? '',
      SLIPWAY_CANDIDATE_WEIGHT: String(context.weights.candidate),
      SLIPWAY_STABLE_WEIGHT: String(context.weights.stable),
      SLIPWAY_CANDIDATE_URL: context.candidateUrl ?? '',
    };
    const { exitCode, signal, output } = await this.run(this.command, env, context.signal);
    const lastLine =
      output
        .trimEnd()
        .split(/\r?\n/)
        .filter((line) => line.trim() !== '')
        .at(-1) ?? '';
    const how = signal !== null ? `killed by ${signal}` : `exit ${exitCode}`;
    return {
      gate: this.name,
      passed: exitCode === 0,
      evidence: `${how}${lastLine === '' ? '' : `: ${lastLine.slice(0, 300)}`}`,
    };
  }
}

/** Runs every gate (concurrently) and returns their verdicts in order. A gate that throws fails with the error. */
export async function runGates(gates: Gate[], context: GateContext): Promise<GateVerdict[]> {
  return Promise.all(
    gates.map(async (gate) => {
      try {
        return await gate.check(context);
      } catch (error) {
        const e = error as { name?: string; message?: string };
        return {
          gate: gate.name,
          passed: false,
          evidence: `${e.name ?? 'Error'}: ${e.message ?? String(error)}`,
        };
      }
    }),
  );
}
