import { MIB_PER_GIB } from './workload-facts.js';

/** A Fargate task or pod size: vCPU and memory in MiB. */
export interface FargateSize {
  vcpu: number;
  memoryMiB: number;
}

function gbRange(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let gb = from; gb <= to; gb += step) out.push(gb * MIB_PER_GIB);
  return out;
}

/** Valid Fargate sizes (pricing reference §1, from the ECS task-size error page): memory choices per vCPU, in MiB. */
export const FARGATE_SIZES: ReadonlyArray<{ vcpu: number; memoryMiB: readonly number[] }> = [
  { vcpu: 0.25, memoryMiB: [512, 1024, 2048] },
  { vcpu: 0.5, memoryMiB: gbRange(1, 4, 1) },
  { vcpu: 1, memoryMiB: gbRange(2, 8, 1) },
  { vcpu: 2, memoryMiB: gbRange(4, 16, 1) },
  { vcpu: 4, memoryMiB: gbRange(8, 30, 1) },
  { vcpu: 8, memoryMiB: gbRange(16, 60, 4) },
  { vcpu: 16, memoryMiB: gbRange(32, 120, 8) },
];

/**
 * The smallest valid Fargate size with at least the given vCPU and memory: the vCPU is rounded up first, then the
 * memory to that vCPU's next choice; when the memory exceeds that vCPU's range, the next vCPU is tried. `minVcpu`
 * serves Windows (at least 1 vCPU). `null` when nothing fits (above 16 vCPU / 120 GB).
 */
export function roundUpToFargateSize(vcpu: number, memoryMiB: number, minVcpu = 0): FargateSize | null {
  for (const size of FARGATE_SIZES) {
    if (size.vcpu < vcpu || size.vcpu < minVcpu) continue;
    const memory = size.memoryMiB.find((m) => m >= memoryMiB);
    if (memory !== undefined) return { vcpu: size.vcpu, memoryMiB: memory };
  }
  return null;
}

/** Whether a size is exactly one of the valid Fargate sizes. */
export function isFargateSize(vcpu: number, memoryMiB: number): boolean {
  return FARGATE_SIZES.some((size) => size.vcpu === vcpu && size.memoryMiB.includes(memoryMiB));
}
