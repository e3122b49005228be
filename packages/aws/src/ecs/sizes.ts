/**
 * Task sizes: ECS accepts CPU as units (`1024`) or vCPU (`1 vCPU`) and memory as MiB (`2048`) or GB (`2 GB`), and
 * converts both on registration; Fargate accepts only the combinations in
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html.
 */

type SizeRange = { min: number; max: number; step: number } | readonly number[];

/** Fargate's task sizes: CPU units → allowed memory in MiB. */
export const FARGATE_SIZES: Readonly<Record<number, SizeRange>> = {
  256: [512, 1024, 2048],
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

/** CPU units from `1024`, `"1024"`, `"1 vCPU"` or `"0.25 vcpu"`; undefined when it is none of these. */
export function cpuUnits(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) > 0 ? Number(text) : undefined;
  const vcpu = /^(\d+(?:\.\d+)?)\s*vcpus?$/i.exec(text);
  if (vcpu === null) return undefined;
  const units = Number(vcpu[1]) * 1024;
  return Number.isInteger(units) && units > 0 ? units : undefined;
}

/** Memory in MiB from `2048`, `"2048"`, `"2 GB"` or `"0.5gb"`; undefined when it is none of these. */
export function memoryMiB(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) > 0 ? Number(text) : undefined;
  const gb = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(text);
  if (gb === null) return undefined;
  const mib = Number(gb[1]) * 1024;
  return Number.isInteger(mib) && mib > 0 ? mib : undefined;
}

function allowedMemory(range: SizeRange): number[] {
  if (Array.isArray(range)) return [...(range as readonly number[])];
  const { min, max, step } = range as { min: number; max: number; step: number };
  const values: number[] = [];
  for (let m = min; m <= max; m += step) values.push(m);
  return values;
}

function describeMemory(range: SizeRange): string {
  if (Array.isArray(range)) return `${(range as readonly number[]).join(', ')} MiB`;
  const { min, max, step } = range as { min: number; max: number; step: number };
  return `${min} to ${max} MiB in steps of ${step}`;
}

/**
 * Why a CPU/memory pair is not a Fargate size, in words a user can act on, or undefined when it is one.
 * Both values in units/MiB.
 */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const range = FARGATE_SIZES[cpu];
  if (range === undefined) {
    return `${cpu} CPU units is not a Fargate size (use ${Object.keys(FARGATE_SIZES).join(', ')})`;
  }
  if (allowedMemory(range).includes(memory)) return undefined;
  return `Fargate has no ${cpu} CPU / ${memory} MiB size: with ${cpu} CPU units use ${describeMemory(range)}`;
}
