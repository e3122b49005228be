import type { Platform } from '../types.js';

/** `$1,234.56`; amounts are rounded to cents only here, when rendering. `n/a` for `null`. */
export function formatUSD(usd: number | null): string {
  if (usd === null) return 'n/a';
  const cents = Math.round(Math.abs(usd) * 100);
  const whole = Math.floor(cents / 100).toLocaleString('en-US');
  const text = `$${whole}.${String(cents % 100).padStart(2, '0')}`;
  return usd < 0 && cents > 0 ? `-${text}` : text;
}

/** `+$1.50` / `-$1.50` / `$0.00`. */
export function formatSignedUSD(usd: number | null): string {
  if (usd === null) return 'n/a';
  const text = formatUSD(Math.abs(usd));
  if (Math.round(Math.abs(usd) * 100) === 0) return text;
  return `${usd > 0 ? '+' : '-'}${text}`;
}

/** `+25.0%` / `-3.3%`; empty for `null` (no base to compare with). */
export function formatPercent(percent: number | null): string {
  if (percent === null) return '';
  const rounded = Math.round(percent * 10) / 10;
  if (rounded === 0) return '0.0%';
  return `${rounded > 0 ? '+' : '-'}${Math.abs(rounded).toFixed(1)}%`;
}

/** AWS platforms state memory in GB (1024 MiB), Google's in GiB. */
export function memoryUnitOf(platform: Platform): 'GB' | 'GiB' {
  return platform.startsWith('gke') || platform.startsWith('cloud-run') ? 'GiB' : 'GB';
}

/** `Deployment shop/web` */
export function workloadLabel(w: { kind: string; namespace: string | null; name: string }): string {
  return `${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name}`;
}
