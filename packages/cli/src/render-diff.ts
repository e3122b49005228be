/**
 * The terminal rendering of a cost difference (`slipway estimate --base REF`): the headline, then one row per
 * workload that changed, on its own platform.
 */
import { formatPercent, formatSignedUSD, formatUSD } from '@slipway/pricing';
import type { CostDiff } from '@slipway/pricing';

function columns(header: string[], rows: string[][], right: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function withPercent(usd: number | null, percent: number | null): string {
  const p = formatPercent(percent);
  return `${formatSignedUSD(usd)}${p ? ` (${p})` : ''}`;
}

/** The difference between the base revision `ref` and the working tree, as plain text ending with a newline. */
export function renderDiffText(diff: CostDiff, ref: string): string {
  const h = diff.headline;
  const amount = withPercent(Math.abs(h.differenceUSD), h.percent).replace(/^\+/, '');
  const verdict =
    h.kind === 'increase'
      ? `Monthly cost will increase by ${amount}`
      : h.kind === 'decrease'
        ? `Monthly cost will decrease by ${amount.replace(/\(\+/, '(')}`
        : 'Monthly cost will not change';
  const out = [
    `Compared with ${ref}: ${verdict}`,
    `${formatUSD(h.beforeUSD)} -> ${formatUSD(h.afterUSD)} a month, each workload on its own platform ` +
      `(Kubernetes: ${diff.kubernetesPlatform}, with its cluster fee).`,
    '',
  ];
  const changed = diff.workloads.filter((w) => w.status !== 'unchanged');
  if (changed.length === 0) {
    out.push('No workload changed.');
  } else {
    const rows = changed.map((w) => [
      `${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name}`,
      w.file,
      w.status,
      w.primaryPlatform,
      formatUSD(w.beforeUSD),
      formatUSD(w.afterUSD),
      withPercent(w.differenceUSD, w.percent),
    ]);
    out.push(
      ...columns(
        ['WORKLOAD', 'FILE', 'CHANGE', 'PLATFORM', 'BEFORE', 'AFTER', 'DIFFERENCE'],
        rows,
        new Set([4, 5, 6]),
      ),
    );
  }
  if (h.unpriced > 0)
    out.push('', `${h.unpriced} workload(s) could not be priced on their own platform and are not counted.`);
  return `${out.join('\n')}\n`;
}
