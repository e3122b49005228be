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
  // Sizes, rates and replica counts repeat across workloads, so most lines have been written before: look the
  // line up by what it is made of (a few map lookups) rather than format and join it again.
  const byQuantity = LINES.get(timesLabel)?.get(label)?.get(times);
  const byUsd = byQuantity?.get(quantity);
  const known = byUsd?.get(usd);
  if (known !== undefined && known.quantityUnit === quantityUnit && known.rateUnit === rateUnit)
    return { usd: total, line: known.line };
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
  if (known === undefined)
    rememberLine(timesLabel, label, times, quantity, usd, { quantityUnit, rateUnit, line });
  return { usd: total, line };
}

/** A line written before, and the units it was written with. */
interface KnownLine {
  quantityUnit: string;
  rateUnit: string;
  line: string;
}

// timesLabel → label → times → quantity → rate → line. Bounded: emptied when it grows past LINES_LIMIT.
const LINES = new Map<string, Map<string, Map<number, Map<number, Map<number, KnownLine>>>>>();
const LINES_LIMIT = 16_384;
let linesKnown = 0;

function rememberLine(
  timesLabel: string,
  label: string,
  times: number,
  quantity: number,
  usd: number,
  known: KnownLine,
): void {
  if (++linesKnown > LINES_LIMIT) {
    LINES.clear();
    linesKnown = 1;
  }
  let byLabel = LINES.get(timesLabel);
  if (byLabel === undefined) LINES.set(timesLabel, (byLabel = new Map()));
  let byTimes = byLabel.get(label);
  if (byTimes === undefined) byLabel.set(label, (byTimes = new Map()));
  let byQuantity = byTimes.get(times);
  if (byQuantity === undefined) byTimes.set(times, (byQuantity = new Map()));
  let byUsd = byQuantity.get(quantity);
  if (byUsd === undefined) byQuantity.set(quantity, (byUsd = new Map()));
  byUsd.set(usd, known);
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
  // A handful of sizes recur across thousands of workloads: write each once per unit.
  let byVcpu = SIZES.get(unit);
  if (byVcpu === undefined) SIZES.set(unit, (byVcpu = new Map()));
  let byMemory = byVcpu.get(size.vcpu);
  if (byMemory === undefined) byVcpu.set(size.vcpu, (byMemory = new Map()));
  let text = byMemory.get(size.memoryMiB);
  if (text === undefined) {
    text = flatJoin(formatQuantity(size.vcpu), ' vCPU / ', formatMemory(size.memoryMiB, unit));
    if (byMemory.size < 4096) byMemory.set(size.memoryMiB, text);
  }
  return text;
}

const SIZES = new Map<string, Map<number, Map<number, string>>>();

function flatJoin(...parts: string[]): string {
  return parts.join('');
}

/**
 * A template tag for text that lands in a report: the same string as the plain template literal, built flat.
 * A plain template literal leaves a tree of partial strings behind it, which lives (and is copied by the garbage
 * collector) as long as the report does. Report texts repeat (the same sizes, regions and rates for many
 * workloads), so each distinct text is written once and then found again by its call site and values.
 */
export function flat(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let node = FLAT.get(strings);
  if (node === undefined) FLAT.set(strings, (node = new Map()));
  const last = values.length - 1;
  for (let i = 0; i < last; i++) {
    let next = node.get(values[i]) as FlatNode | undefined;
    if (next === undefined) node.set(values[i], (next = new Map()));
    node = next;
  }
  const key = last >= 0 ? values[last] : '';
  const known = node.get(key) as string | undefined;
  if (known !== undefined) return known;
  const parts: Array<string | number> = [strings[0] as string];
  for (let i = 0; i < values.length; i++) parts.push(values[i] as string | number, strings[i + 1] as string);
  const text = parts.join('');
  if (++flatKnown > FLAT_LIMIT) {
    FLAT.clear();
    flatKnown = 0;
  } else {
    node.set(key, text);
  }
  return text;
}

// Call site (its TemplateStringsArray, one object per site) → first value → … → last value → text. Bounded.
type FlatNode = Map<string | number, FlatNode | string>;
const FLAT = new Map<TemplateStringsArray, FlatNode>();
const FLAT_LIMIT = 16_384;
let flatKnown = 0;
