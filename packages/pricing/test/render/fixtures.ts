// Small hand-made reports for the renderer tests: the figures are typed in, not computed, so the expected text
// below depends only on the renderers.
import type { Estimate, EstimateReport, ReportWorkload } from '../../src/types.js';

function est(
  platform: Estimate['platform'],
  region: string,
  monthlyUSD: number | null,
  monthlyUSDMax: number | null,
  warnings: string[] = [],
): Estimate {
  return {
    platform,
    region,
    billedPerReplica: { vcpu: 0.5, memoryMiB: 1024 },
    monthlyUSD,
    monthlyUSDMax,
    lines: [],
    warnings,
  };
}

function webWorkload(replicas: number, gke: number, ecs: number): ReportWorkload {
  return {
    source: { file: 'k8s/web.yaml', line: 4 },
    kind: 'Deployment',
    name: 'web',
    namespace: 'shop',
    replicas: { min: replicas, max: replicas },
    perReplica: { vcpu: 0.5, memoryMiB: 1024 },
    estimates: [est('ecs-fargate', 'us-east-1', ecs, null), est('gke-autopilot', 'us-central1', gke, null)],
    warnings: [],
  };
}

/** web × 1: gke-autopilot 19.835925 (+ $73 fee), ecs-fargate 18.02005. */
export function baseReport(): EstimateReport {
  return {
    hoursPerMonth: 730,
    catalogDate: '2026-10-02',
    regions: { aws: 'us-east-1', gcp: 'us-central1' },
    workloads: [webWorkload(1, 19.835925, 18.02005)],
    totals: [
      { platform: 'ecs-fargate', region: 'us-east-1', monthlyUSD: 18.02005, clusterFeeUSD: 0, unpriced: 0 },
      {
        platform: 'gke-autopilot',
        region: 'us-central1',
        monthlyUSD: 92.835925,
        clusterFeeUSD: 73,
        unpriced: 0,
      },
    ],
    cheapest: 'ecs-fargate',
    assumptions: ['Monthly cost = 730 hours.', 'Regions: AWS us-east-1, Google Cloud us-central1.'],
    errors: [],
  };
}

/** web × 2: gke-autopilot 39.67185 (+ $73 fee), ecs-fargate 36.0401. */
export function headReport(): EstimateReport {
  const base = baseReport();
  return {
    ...base,
    workloads: [webWorkload(2, 39.67185, 36.0401)],
    totals: [
      { platform: 'ecs-fargate', region: 'us-east-1', monthlyUSD: 36.0401, clusterFeeUSD: 0, unpriced: 0 },
      {
        platform: 'gke-autopilot',
        region: 'us-central1',
        monthlyUSD: 112.67185,
        clusterFeeUSD: 73,
        unpriced: 0,
      },
    ],
  };
}

/** One workload on ECS Fargate (priced, 2–4 replicas) and Fargate Spot (unconfirmed), with a spec error. */
export function tableReport(): EstimateReport {
  return {
    hoursPerMonth: 730,
    catalogDate: '2026-10-02',
    regions: { aws: 'us-east-1', gcp: 'us-central1' },
    workloads: [
      {
        source: { file: 'k8s/web.yaml', line: 4 },
        kind: 'Deployment',
        name: 'web',
        namespace: 'shop',
        replicas: { min: 2, max: 4 },
        perReplica: { vcpu: 0.5, memoryMiB: 1024 },
        estimates: [
          est('ecs-fargate', 'us-east-1', 36.0401, 72.0802),
          est('ecs-fargate-spot', 'us-east-1', null, null, [
            'Fargate Spot price unconfirmed: read the live feed (refresh-prices)',
          ]),
        ],
        warnings: ['HPA web: minReplicas 2, maxReplicas 4'],
      },
    ],
    totals: [
      { platform: 'ecs-fargate', region: 'us-east-1', monthlyUSD: 36.0401, clusterFeeUSD: 0, unpriced: 0 },
      { platform: 'ecs-fargate-spot', region: 'us-east-1', monthlyUSD: null, clusterFeeUSD: 0, unpriced: 1 },
    ],
    cheapest: 'ecs-fargate',
    assumptions: ['Monthly cost = 730 hours.'],
    errors: [{ file: 'k8s/bad.yaml', line: 3, message: 'not a YAML mapping' }],
  };
}
