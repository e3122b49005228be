/** One priced component of an estimate and the line that explains it. */
export interface CostPart {
  usd: number;
  line: string;
}

/** A number for a cost line: up to six decimals, no trailing zeros. */
export function formatQuantity(value: number): string {
  // Rates and sizes repeat across thousands of workloads: format each distinct value once.
  let text = FORMATTED.get(value);
  if (text === undefined) {
    text = Number(value.toFixed(6)).toString();
    if (FORMATTED.size < 4096) FORMATTED.set(value, text);
  }
  return text;
}

const FORMATTED = new Map<number, string>();

/**
 * `quantity × rate × times`, with a line such as `vCPU: 0.5 vCPU × $0.04656/vCPU-hour × 730 h × 2 = $33.99`.
 * The line shows cents; the figure keeps full precision (rounding happens only when rendering).
 */
export function costPart(
  label: string,
  quantity: number,
  quantityUnit: string,
  usd: number,
  rateUnit: string,
  times: number,
  timesLabel: string,
): CostPart {
  const total = quantity * usd * times;
  // join builds one flat string; a template literal leaves a tree of a dozen partial strings behind every line,
  // and every line lives until the report is done, so the garbage collector copies each of those pieces.
  const line = [
    label,
    ': ',
    formatQuantity(quantity),
    ' ',
    quantityUnit,
    ' × $',
    formatQuantity(usd),
    '/',
    rateUnit,
    ' × ',
    timesLabel,
    ' = $',
    total.toFixed(2),
  ].join('');
  return { usd: total, line };
}

/** Adds parts up. */
export function sumParts(parts: CostPart[]): number {
  return parts.reduce((sum, part) => sum + part.usd, 0);
}

/**
 * Memory for people: whole or quarter `unit`s (GB for AWS, GiB for Google) from 512 MiB up, else MiB,
 * e.g. `0.5 GB`, `2 GiB`, `1124 MiB`.
 */
export function formatMemory(memoryMiB: number, unit: 'GB' | 'GiB'): string {
  if (memoryMiB >= 512 && memoryMiB % 128 === 0) return `${formatQuantity(memoryMiB / 1024)} ${unit}`;
  return `${formatQuantity(memoryMiB)} MiB`;
}

/** `0.5 vCPU / 1 GB` */
export function formatSize(size: { vcpu: number; memoryMiB: number }, unit: 'GB' | 'GiB'): string {
  return `${formatQuantity(size.vcpu)} vCPU / ${formatMemory(size.memoryMiB, unit)}`;
}

/**
 * A template tag for text that lands in a report: the same string as the plain template literal, built flat.
 * A plain template literal leaves a tree of partial strings behind it, which lives (and is copied by the garbage
 * collector) as long as the report does.
 */
export function flat(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  const parts: Array<string | number> = [strings[0] as string];
  for (let i = 0; i < values.length; i++) parts.push(values[i] as string | number, strings[i + 1] as string);
  return parts.join('');
}
