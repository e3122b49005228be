/**
 * What the release shows: outputs, and a job summary with the timeline of steps, weights and gate results and a
 * Mermaid chart of the candidate's weight over time.
 */
import { SummaryBuilder, setOutputs } from '@slipway/core';
import type { Weights } from '@slipway/core';
import type { Inputs } from './inputs.js';
import type { ReleaseOutcome, TimelineEntry } from './release.js';

/** The action's outputs. */
export function writeOutputs(outcome: ReleaseOutcome): void {
  setOutputs({
    stable: outcome.stable ?? '',
    candidate: outcome.candidate,
    weights: JSON.stringify(outcome.weights),
    result: outcome.result,
  });
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * A Mermaid `xychart-beta` of the candidate's weight at each change: one point per write, the first at the weight
 * observed, so a rollback shows as a drop to 0.
 */
export function weightChart(timeline: TimelineEntry[]): string {
  const points = timeline.filter(
    (e) => e.kind === 'observed' || e.kind === 'weights' || e.kind === 'rollback',
  );
  if (points.length < 2) return '';
  const labels = points.map((p) => `"${clock(p.atMs)}"`).join(', ');
  const values = points.map((p) => p.weights.candidate).join(', ');
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Candidate traffic (%)"',
    `  x-axis "time since start (m:ss)" [${labels}]`,
    '  y-axis "candidate %" 0 --> 100',
    `  line [${values}]`,
    '```',
  ].join('\n');
}

function weightsCell(w: Weights): string {
  return `${w.stable} / ${w.candidate}`;
}

const KIND: Record<TimelineEntry['kind'], string> = {
  observed: 'read the route',
  weights: 'shifted traffic',
  preview: 'candidate preview',
  bake: 'bake',
  gates: 'gates',
  rollback: 'rolled back',
  paused: 'paused',
  promoted: 'promoted',
};

/** The job summary of a release (also written when it failed). */
export function summaryOf(inputs: Inputs, outcome: ReleaseOutcome, platformLabel: string): string {
  const headline: Record<ReleaseOutcome['result'], string> = {
    promoted: '✅ promoted',
    'rolled-back': outcome.failure === undefined ? '↩️ rolled back (abort)' : '❌ rolled back',
    paused: '⏸️ paused',
  };
  const s = new SummaryBuilder();
  s.heading(`traffic-split: ${headline[outcome.result]}`, 2);
  s.paragraph(
    `${platformLabel}, ${inputs.strategy}${inputs.strategy === 'canary' ? ` (${inputs.steps.join(' → ')} %)` : ''}, action \`${inputs.control}\`: stable \`${outcome.stable ?? 'none'}\`, candidate \`${outcome.candidate}\`, now ${outcome.weights.stable} % / ${outcome.weights.candidate} %.`,
  );
  if (outcome.failure !== undefined) s.paragraph(`**Why:** ${outcome.failure.message}`);
  const rows = outcome.timeline.map((e) => [
    clock(e.atMs),
    KIND[e.kind],
    weightsCell(e.weights),
    e.verdicts === undefined
      ? (e.note ?? '')
      : e.verdicts.map((v) => `${v.passed ? '✅' : '❌'} ${v.gate}: ${v.evidence}`).join('\n'),
  ]);
  s.table(['time', 'event', 'stable / candidate %', 'details'], rows);
  const chart = weightChart(outcome.timeline);
  if (chart !== '') s.raw(chart);
  return s.toMarkdown();
}
