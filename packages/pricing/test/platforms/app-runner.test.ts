import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { APP_RUNNER_LEGACY_WARNING, estimateOnAppRunner } from '../../src/platforms/app-runner.js';
import type { Workload } from '../../src/types.js';
import { cloudRunService, container, kube } from './make-workload.js';

const catalog = loadCatalog();
const pod = (cpu: number, memoryMiB: number, partial: Partial<Workload> = {}): Workload =>
  kube({ containers: [container({ cpu, memoryMiB })], ...partial });

describe('app-runner (legacy)', () => {
  it.each<[string, Workload, string, object, number]>([
    // 2 GB × 0.007 provisioned + 1 vCPU × 0.064 active = 0.078 $/h × 730 = 56.94
    ['1 vCPU / 2 GB always active', pod(1, 2048), 'us-east-1', {}, 56.94],
    // the 0.25 vCPU / 0.5 GB minimum: 0.5 × 0.007 + 0.25 × 0.064 = 0.0195 × 730 = 14.235
    ['the smallest instance', pod(0.1, 100), 'us-west-2', {}, 14.235],
    // a scale-to-zero Cloud Run service still keeps one provisioned instance: 0.5 GB × 0.007 + 1 vCPU × 0.064 = 0.0675 × 730 = 49.275
    ['at least one instance', cloudRunService([{ cpu: 1, memoryMiB: 512 }]), 'eu-west-1', {}, 49.275],
    // usage: 1M × 0.2 s ÷ 1 = 55.555… active h × 0.064 = 3.5555…; + 2 × 0.007 × 730 = 10.22 provisioned
    [
      'active hours from usage',
      pod(1, 2048),
      'us-east-1',
      { usage: { requestsPerMonth: 1_000_000, requestSeconds: 0.2 } },
      10.22 + (200000 / 3600) * 0.064,
    ],
  ])('%s', (_name, workload, region, opts, monthly) => {
    const e = estimateOnAppRunner(workload, region, catalog, opts);
    expect(e.monthlyUSD).toBeCloseTo(monthly, 9);
    expect(e.warnings).toContain(APP_RUNNER_LEGACY_WARNING);
  });

  it('marks every estimate legacy', () => {
    expect(APP_RUNNER_LEGACY_WARNING).toMatch(/closed to new customers since 2026-04-30: legacy/);
  });

  it('prices the maximum replicas separately', () => {
    const e = estimateOnAppRunner(pod(1, 2048, { replicas: { min: 1, max: 3 } }), 'us-east-1', catalog, {});
    expect(e.monthlyUSDMax).toBeCloseTo(56.94 * 3, 9);
  });

  it.each<[string, RegExp]>([
    [
      'ap-northeast-2',
      /App Runner price unconfirmed in ap-northeast-2 \(provisioned-gb, active-vcpu\).*probably not offered in Seoul/,
    ],
    ['ap-northeast-1', /App Runner price unconfirmed in ap-northeast-1 \(active-vcpu\)/],
  ])('gives null with a warning in %s', (region, warning) => {
    const e = estimateOnAppRunner(pod(1, 2048), region, catalog, {});
    expect(e.monthlyUSD).toBeNull();
    expect(e.warnings[0]).toBe(APP_RUNNER_LEGACY_WARNING);
    expect(e.warnings[1]).toMatch(warning);
  });
});
