/**
 * Kubernetes `resource.Quantity` values (`250m`, `1Gi`, `129e6`, `512M`…) as plain numbers.
 */

const BYTES_PER_MIB = 1024 * 1024;

// Kubernetes' grammar: <signedNumber><suffix>, suffix one of binarySI, decimalSI or a decimal exponent. Each
// alternative is anchored and has no nested repetition, so matching is linear in the input.
const QUANTITY =
  /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/;

const BINARY_POWER: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_EXPONENT: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/**
 * A Kubernetes quantity as a plain number: CPU in cores, memory and storage in bytes. Accepts the strings the API
 * accepts (`250m`, `0.5`, `1e3`, `123Mi`, `1G` = 10^9, `1Gi` = 2^30, `100n`, `+1`, `.5`) and YAML numbers.
 * @throws Error naming the value when it is not a quantity.
 */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new Error(`invalid quantity \`${q}\`: not a finite number`);
    return q;
  }
  if (typeof q !== 'string')
    throw new Error(`invalid quantity \`${String(q)}\`: expected a string or a number`);
  const text = q.trim();
  const match = QUANTITY.exec(text);
  if (match === null) {
    throw new Error(
      `invalid quantity \`${q}\`: expected a number with an optional suffix (250m, 1Gi, 1G, 1e3…)`,
    );
  }
  const number = match[1] as string;
  const suffix = match[2];
  if (suffix !== undefined && suffix in BINARY_POWER)
    return Number(number) * 2 ** (BINARY_POWER[suffix] as number);
  // Decimal scaling goes through the number's text so that `250m` is exactly 0.25, not 250 × 0.001.
  const exponent = suffix !== undefined ? (DECIMAL_EXPONENT[suffix] as number) : Number(match[3] ?? 0);
  const value = exponent === 0 ? Number(number) : Number(`${number}e${exponent}`);
  if (!Number.isFinite(value)) throw new Error(`invalid quantity \`${q}\`: out of range`);
  return value;
}

/** A CPU quantity in vCPU (cores): `250m` → 0.25, `2` → 2. @throws Error naming the value when invalid. */
export function cpuToVcpu(q: string | number): number {
  return parseQuantity(q);
}

/** A memory quantity in MiB (2^20 bytes): `512Mi` → 512, `512M` → 488.28125, `1Gi` → 1024. @throws Error when invalid. */
export function memoryToMiB(q: string | number): number {
  return parseQuantity(q) / BYTES_PER_MIB;
}

/**
 * Whether a memory quantity uses a sub-unit suffix (`512m` is 0.512 bytes): almost always a typo for `512Mi`.
 */
export function isSubByteMemory(q: string | number): boolean {
  return typeof q === 'string' && /[0-9.][mun]$/.test(q.trim());
}
