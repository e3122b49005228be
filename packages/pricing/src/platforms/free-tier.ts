import type { Catalog } from '../catalog/catalog-types.js';
import { allowance } from '../catalog/lookup.js';
import type { FreeTierPool } from './platform-options.js';

/** A full month of Cloud Run's free tier, per billing account, from the catalog's allowances. */
export function newFreeTierPool(catalog: Catalog): FreeTierPool {
  const amount = (item: string): number => allowance(catalog, 'cloud-run', item).amount;
  return {
    requestVcpuSeconds: amount('request-vcpu-seconds'),
    requestGibSeconds: amount('request-gib-seconds'),
    requests: amount('requests'),
    instanceVcpuSeconds: amount('instance-vcpu-seconds'),
    instanceGibSeconds: amount('instance-gib-seconds'),
  };
}

/** Takes up to `wanted` from one allowance of the pool and returns how much was taken. */
export function takeFromPool(pool: FreeTierPool, key: keyof FreeTierPool, wanted: number): number {
  const taken = Math.max(0, Math.min(pool[key], wanted));
  pool[key] -= taken;
  return taken;
}
