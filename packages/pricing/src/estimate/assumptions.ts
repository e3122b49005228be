import type { Catalog } from '../catalog/catalog-types.js';
import { price } from '../catalog/lookup.js';
import type { EstimateOptions, Platform, Workload } from '../types.js';
import { isBatch } from '../platforms/workload-facts.js';
import { formatCount } from '../platforms/usage-time.js';

/** What the assumption list needs to know about a run. */
export interface AssumptionFacts {
  catalog: Catalog;
  opts: EstimateOptions;
  regionsAssumption: string;
  regions: { aws: string; gcp: string };
  platforms: Set<Platform>;
  workloads: Workload[];
  unconfirmed: Set<string>;
}

const has = (facts: AssumptionFacts, ...platforms: Platform[]): boolean =>
  platforms.some((p) => facts.platforms.has(p));

/** The report's assumptions: every rule and input its figures rest on, in words, only for the platforms priced. */
export function buildAssumptions(facts: AssumptionFacts): string[] {
  const { catalog, opts } = facts;
  const out = [
    "Monthly cost = 730 hours (Infracost's convention); list prices in USD, on-demand unless marked Spot; no Savings Plans, committed-use discounts or taxes.",
    facts.regionsAssumption,
    "Long-running workloads at their minimum replicas (an HPA's minReplicas when one targets them); the maximum is shown separately.",
  ];
  if (has(facts, 'ecs-fargate', 'ecs-fargate-spot')) {
    out.push(
      'ECS Fargate: task definitions billed at their task size; other workloads at their requests rounded up to the nearest valid Fargate size (minimum 0.25 vCPU / 0.5 GB); ephemeral storage above the included 20 GB billed per GB-hour.',
    );
  }
  if (has(facts, 'eks-fargate')) {
    out.push(
      'EKS Fargate: pod requests (largest init container vs the sum of the others) + 256 MiB, rounded up to a Fargate size; Linux/x86 only.',
    );
  }
  if (has(facts, 'gke-autopilot', 'gke-autopilot-spot')) {
    out.push(
      'GKE Autopilot: classic general-purpose model (non-bursting): container defaults 0.5 vCPU / 2 GiB / 1 GiB ephemeral (DaemonSet 50m / 100 MiB / 100 MiB; init containers too), at least 250m CPU / 512 MiB per pod, CPU in 250m steps, 1:1–1:6.5 vCPU:GiB. The 50m minimum of bursting clusters is UNCONFIRMED and not used.',
    );
  }
  if (has(facts, 'cloud-run', 'cloud-run-jobs')) {
    out.push(
      'Cloud Run: services and jobs billed at their limits summed over containers, other workloads at their requests (an ECS task at its task size), CPU above 1 rounded up to 2, 4, 6 or 8; request-based services pay idle min-instances (idle CPU rate + memory rate) for 730 h and traffic (requests × seconds ÷ concurrency, as Infracost models it) only with usage inputs; Kubernetes and ECS workloads are compared instance-based, each replica an always-on instance; prices by region tier.',
    );
  }
  const usage = opts.usage;
  if (usage?.requestsPerMonth !== undefined && usage.requestSeconds !== undefined) {
    out.push(
      `Usage inputs: ${formatCount(usage.requestsPerMonth)} requests a month, ${usage.requestSeconds} s each.`,
    );
  } else if (has(facts, 'cloud-run', 'app-runner')) {
    out.push(
      'Usage inputs: none (request-based Cloud Run traffic is not priced; App Runner instances are assumed active all month).',
    );
  }
  if (has(facts, 'app-runner')) {
    out.push(
      'App Runner (legacy: closed to new customers since 2026-04-30): provisioned memory 24/7 + active vCPU per instance (at least one).',
    );
  }
  const batch = facts.workloads.filter((w) => isBatch(w) && w.schedule);
  if (batch.length > 0) {
    out.push(
      'Batch workloads cost runs × duration × parallel pods at the hourly rates: Fargate bills each run for at least one minute (per Vantage), so a job every minute is effectively always on; Autopilot bills per second; Cloud Run jobs round each task up to 100 ms.',
    );
    for (const w of batch) out.push(`${w.kind} ${w.name}: ${w.schedule?.assumption ?? ''}`);
  }
  if (has(facts, 'eks-fargate')) {
    const fee = price(catalog, 'eks', facts.regions.aws, 'cluster-standard').usd ?? 0;
    out.push(
      `EKS cluster fee: $${fee.toFixed(2)} per cluster-hour = $${(fee * 730).toFixed(2)} a month, once per report (standard support; extended support is $0.60 per hour).`,
    );
  }
  if (has(facts, 'gke-autopilot', 'gke-autopilot-spot')) {
    const fee = price(catalog, 'gke', facts.regions.gcp, 'cluster').usd ?? 0;
    const credit = price(catalog, 'gke', facts.regions.gcp, 'free-tier-credit').usd ?? 0;
    out.push(
      `GKE cluster fee: $${fee.toFixed(2)} per cluster-hour = $${(fee * 730).toFixed(2)} a month, once per report; the free-tier credit ($${credit.toFixed(2)} a month per billing account, one zonal or Autopilot cluster) is ${opts.freeTier ? 'applied' : 'not applied (pass the free-tier option to apply it)'}.`,
    );
  }
  if (has(facts, 'cloud-run', 'cloud-run-jobs')) {
    out.push(
      opts.freeTier
        ? 'Cloud Run free tier applied once for the whole report (it is per billing account), valued at Tier 1 prices.'
        : 'Cloud Run free tier not applied (it is per billing account, not per service).',
    );
  }
  if (facts.unconfirmed.size > 0) {
    out.push(
      `Unconfirmed prices, not estimated (run refresh-prices): ${[...facts.unconfirmed].sort().join('; ')}.`,
    );
  }
  out.push(`Price catalog dated ${catalog.date}.`);
  return out;
}
