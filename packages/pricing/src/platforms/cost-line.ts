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
  const line = `${label}: ${formatQuantity(quantity)} ${quantityUnit} × $${formatQuantity(usd)}/${rateUnit} × ${timesLabel} = $${total.toFixed(2)}`;
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
