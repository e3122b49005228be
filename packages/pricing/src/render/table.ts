import { formatSize } from '../platforms/cost-line.js';
import type { EstimateReport } from '../types.js';
import { formatUSD, memoryUnitOf, workloadLabel } from './format.js';

type Align = 'left' | 'right';

/** Lays rows out in fixed-width columns separated by two spaces, with a header and a dashed rule. */
function layout(header: string[], rows: string[][], align: Align[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/**
 * The terminal report of `slipway estimate`: a fixed-width table of every workload on every platform (billed size,
 * replicas, monthly cost), the totals per platform with the cheapest marked, then assumptions and warnings.
 */
export function renderTable(report: EstimateReport): string {
  const out: string[] = [
    `Monthly cost estimate (730 h a month, USD list prices, catalog ${report.catalogDate})`,
    '',
  ];
  if (report.workloads.length === 0) {
    out.push('No workloads to price.');
  } else {
    const rows: string[][] = [];
    for (const w of report.workloads) {
      const replicas =
        w.replicas.min === w.replicas.max ? `${w.replicas.min}` : `${w.replicas.min}-${w.replicas.max}`;
      if (w.estimates.length === 0) rows.push([workloadLabel(w), '(none)', '', replicas, 'n/a']);
      w.estimates.forEach((e, i) => {
        const monthly =
          formatUSD(e.monthlyUSD) + (e.monthlyUSDMax !== null ? ` (max ${formatUSD(e.monthlyUSDMax)})` : '');
        rows.push([
          i === 0 ? workloadLabel(w) : '',
          e.platform,
          formatSize(e.billedPerReplica, memoryUnitOf(e.platform)),
          i === 0 ? replicas : '',
          monthly,
        ]);
      });
    }
    out.push(
      ...layout(['WORKLOAD', 'PLATFORM', 'BILLED SIZE', 'REPLICAS', 'MONTHLY'], rows, [
        'left',
        'left',
        'left',
        'right',
        'right',
      ]),
    );
    out.push('');
    const totals = report.totals.map((t) => [
      t.platform,
      t.region,
      formatUSD(t.clusterFeeUSD),
      formatUSD(t.monthlyUSD),
      [t.platform === report.cheapest ? '<- cheapest' : '', t.unpriced > 0 ? `${t.unpriced} not priced` : '']
        .filter(Boolean)
        .join(', '),
    ]);
    out.push(
      ...layout(['PLATFORM', 'REGION', 'CLUSTER FEE', 'TOTAL', ''], totals, [
        'left',
        'left',
        'right',
        'right',
        'left',
      ]),
    );
    out.push('');
    const cheapest = report.totals.find((t) => t.platform === report.cheapest);
    out.push(
      cheapest
        ? `Cheapest: ${cheapest.platform} at ${formatUSD(cheapest.monthlyUSD)} a month.`
        : 'Cheapest: none (no platform priced every workload).',
    );
  }
  out.push('', 'Assumptions:', ...report.assumptions.map((a) => `- ${a}`));
  const warnings = report.workloads.flatMap((w) => [
    ...w.warnings.map((text) => `- ${workloadLabel(w)} (${w.source.file}:${w.source.line}): ${text}`),
    ...w.estimates.flatMap((e) =>
      e.warnings.map((text) => `- ${workloadLabel(w)} on ${e.platform}: ${text}`),
    ),
  ]);
  const errors = report.errors.map((e) => `- ${e.file}:${e.line}: ${e.message}`);
  if (warnings.length > 0) out.push('', 'Warnings:', ...warnings);
  if (errors.length > 0) out.push('', 'Errors:', ...errors);
  return `${out.join('\n')}\n`;
}
