import type { CostDiff, PlatformDiff, WorkloadDiff } from '../report/cost-diff.js';
import { formatPercent, formatSignedUSD, formatUSD, workloadLabel } from './format.js';

/** The hidden marker the estimate-cost action finds its own comment by. */
export const COMMENT_MARKER = '<!-- slipway:estimate-cost -->';

/** What the comment states besides the diff itself. */
export interface CommentOptions {
  /** The hidden marker, first line of the comment (normally `COMMENT_MARKER`). */
  marker: string;
  /** The price catalog's date, `YYYY-MM-DD`. */
  catalogDate: string;
  /** The head report's assumptions (730 h, regions, usage inputs, unconfirmed prices…). */
  assumptions: string[];
  /** Warnings to list (e.g. the head report's workload warnings); none by default. */
  warnings?: string[];
  /** The heading; default `💰 Slipway cost estimate`. */
  title?: string;
  /** At most this many per-workload tables (GitHub caps a comment at 65,536 characters); default 25. */
  maxWorkloadTables?: number;
}

function differenceCell(c: { differenceUSD: number | null; percent: number | null }): string {
  const percent = formatPercent(c.percent);
  return `${formatSignedUSD(c.differenceUSD)}${percent ? ` (${percent})` : ''}`;
}

function headline(diff: CostDiff): string[] {
  const h = diff.headline;
  const percent = formatPercent(h.percent);
  const amount = `${formatUSD(Math.abs(h.differenceUSD))}${percent ? ` (${percent})` : ''}`;
  const first =
    h.kind === 'increase'
      ? `📈 **Monthly cost will increase by ${amount}**`
      : h.kind === 'decrease'
        ? `📉 **Monthly cost will decrease by ${amount}**`
        : '**Monthly cost will not change**';
  const lines = [
    first,
    '',
    `${formatUSD(h.beforeUSD)} → ${formatUSD(h.afterUSD)} a month, each workload on its own platform (Kubernetes: ${diff.kubernetesPlatform}, with its cluster fee).`,
  ];
  if (h.unpriced > 0) {
    lines.push(
      '',
      `⚠️ ${h.unpriced} workload${h.unpriced === 1 ? '' : 's'} could not be priced on ${h.unpriced === 1 ? 'its' : 'their'} own platform and ${h.unpriced === 1 ? 'is' : 'are'} not counted.`,
    );
  }
  return lines;
}

function workloadSection(w: WorkloadDiff): string[] {
  const rows = [...w.platforms].sort((a, b) =>
    a.platform === w.primaryPlatform ? -1 : b.platform === w.primaryPlatform ? 1 : 0,
  );
  return [
    `**${workloadLabel(w)}** · \`${w.file}\` · ${w.status}`,
    '',
    '| Platform | Before | After | Difference |',
    '|---|---:|---:|---:|',
    ...rows.map((p) => {
      const name = p.platform === w.primaryPlatform ? `**${p.platform}** (own)` : p.platform;
      return `| ${name} | ${formatUSD(p.beforeUSD)} | ${formatUSD(p.afterUSD)} | ${differenceCell(p)} |`;
    }),
    '',
  ];
}

function platformRow(p: PlatformDiff, cheapest: string | null): string {
  const name = p.platform === cheapest ? `**${p.platform}** ⭐ cheapest` : p.platform;
  const after = `${formatUSD(p.afterUSD)}${p.unpriced > 0 ? ` (${p.unpriced} not priced)` : ''}`;
  return `| ${name} | ${p.region} | ${formatUSD(p.beforeUSD)} | ${after} | ${differenceCell(p)} |`;
}

function chart(platforms: PlatformDiff[]): string[] {
  const complete = platforms.filter((p) => p.afterUSD !== null && p.unpriced === 0);
  if (complete.length === 0) return [];
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Monthly cost by platform (USD, after this change)"',
    `  x-axis [${complete.map((p) => `"${p.platform}"`).join(', ')}]`,
    '  y-axis "USD a month"',
    `  bar [${complete.map((p) => (Math.round((p.afterUSD ?? 0) * 100) / 100).toFixed(2)).join(', ')}]`,
    '```',
    '',
  ];
}

/**
 * The pull-request comment of the estimate-cost action: the hidden marker, the headline (📈 / 📉 / no change,
 * amount and percentage), a table per changed workload, the comparison across platforms with the cheapest marked,
 * a Mermaid bar chart, the assumptions, the catalog date and a footer.
 */
export function renderMarkdownComment(diff: CostDiff, opts: CommentOptions): string {
  const changed = diff.workloads.filter((w) => w.status !== 'unchanged');
  const out = [opts.marker, `## ${opts.title ?? '💰 Slipway cost estimate'}`, '', ...headline(diff), ''];
  out.push('### Changed workloads', '');
  if (changed.length === 0) out.push('No workload changed.', '');
  const shown = changed.slice(0, opts.maxWorkloadTables ?? 25);
  for (const w of shown) out.push(...workloadSection(w));
  if (changed.length > shown.length)
    out.push(`…and ${changed.length - shown.length} more changed workloads.`, '');
  if (diff.platforms.length > 0) {
    out.push('### Compared across platforms', '');
    out.push('| Platform | Region | Before | After | Difference |', '|---|---|---:|---:|---:|');
    out.push(...diff.platforms.map((p) => platformRow(p, diff.cheapest.after)), '');
    out.push(...chart(diff.platforms));
  }
  if (opts.warnings && opts.warnings.length > 0) {
    out.push(
      '<details><summary>Warnings</summary>',
      '',
      ...opts.warnings.map((w) => `- ${w}`),
      '',
      '</details>',
      '',
    );
  }
  out.push(
    '<details><summary>Assumptions</summary>',
    '',
    ...opts.assumptions.map((a) => `- ${a}`),
    '',
    '</details>',
    '',
  );
  out.push(`Prices from the Slipway price catalog dated ${opts.catalogDate}.`, '');
  out.push(
    '<sub>This comment is updated when the cost estimate changes · generated by Slipway estimate-cost</sub>',
  );
  return `${out.join('\n')}\n`;
}
