/**
 * ECS task-size strings: `cpu` as units (`"1024"`, 1024) or vCPU (`"1 vCPU"`), `memory` as MiB (`"2048"`) or GB
 * (`"2 GB"`, where ECS's GB is 1024 MiB).
 */

/** CPU units ECS counts per vCPU. */
export const ECS_UNITS_PER_VCPU = 1024;
const MIB_PER_ECS_GB = 1024;

const UNITS = /^[0-9]+$/;
const VCPU = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+) ?vcpu$/i;
const GB = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+) ?gb$/i;

/**
 * An ECS `cpu` value in vCPU: CPU units as a number or numeric string (`1024` → 1), or a vCPU string
 * (`"0.25 vCPU"`, `"1 vcpu"`).
 * @throws Error naming the value when it is neither.
 */
export function parseEcsCpu(v: string | number): number {
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v > 0) return v / ECS_UNITS_PER_VCPU;
  } else if (typeof v === 'string') {
    const text = v.trim();
    if (UNITS.test(text) && Number(text) > 0) return Number(text) / ECS_UNITS_PER_VCPU;
    const vcpu = VCPU.exec(text);
    if (vcpu !== null && Number(vcpu[1]) > 0) return Number(vcpu[1]);
  }
  throw new Error(`invalid ECS cpu \`${String(v)}\`: expected CPU units ("1024") or vCPU ("1 vCPU")`);
}

/**
 * An ECS `memory` value in MiB: MiB as a number or numeric string (`"2048"` → 2048), or a GB string (`"2GB"`,
 * `"2 gb"` → 2048).
 * @throws Error naming the value when it is neither.
 */
export function parseEcsMemory(v: string | number): number {
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v > 0) return v;
  } else if (typeof v === 'string') {
    const text = v.trim();
    if (UNITS.test(text) && Number(text) > 0) return Number(text);
    const gb = GB.exec(text);
    if (gb !== null && Number(gb[1]) > 0) return Number(gb[1]) * MIB_PER_ECS_GB;
  }
  throw new Error(`invalid ECS memory \`${String(v)}\`: expected MiB ("2048") or GB ("2 GB")`);
}
