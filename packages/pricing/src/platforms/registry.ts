import type { Platform, Workload } from '../types.js';
import { estimateOnAppRunner } from './app-runner.js';
import { estimateOnCloudRun } from './cloud-run.js';
import { estimateOnCloudRunJobs } from './cloud-run-jobs.js';
import { estimateOnEcsFargate } from './ecs-fargate.js';
import { estimateOnEcsFargateSpot } from './ecs-fargate-spot.js';
import { estimateOnEksFargate } from './eks-fargate.js';
import { estimateOnGkeAutopilot } from './gke-autopilot.js';
import { estimateOnGkeAutopilotSpot } from './gke-autopilot-spot.js';
import type { PlatformEstimator } from './platform-options.js';
import { isBatch, isWindows } from './workload-facts.js';

/** Every platform, in the order reports list them. */
export const PLATFORMS: readonly Platform[] = [
  'ecs-fargate',
  'ecs-fargate-spot',
  'eks-fargate',
  'app-runner',
  'gke-autopilot',
  'gke-autopilot-spot',
  'cloud-run',
  'cloud-run-jobs',
];

/** Each platform's rule. */
export const ESTIMATORS: Readonly<Record<Platform, PlatformEstimator>> = {
  'ecs-fargate': estimateOnEcsFargate,
  'ecs-fargate-spot': estimateOnEcsFargateSpot,
  'eks-fargate': estimateOnEksFargate,
  'app-runner': estimateOnAppRunner,
  'gke-autopilot': estimateOnGkeAutopilot,
  'gke-autopilot-spot': estimateOnGkeAutopilotSpot,
  'cloud-run': estimateOnCloudRun,
  'cloud-run-jobs': estimateOnCloudRunJobs,
};

/** The cloud each platform runs on. */
export const PLATFORM_CLOUD: Readonly<Record<Platform, 'aws' | 'gcp'>> = {
  'ecs-fargate': 'aws',
  'ecs-fargate-spot': 'aws',
  'eks-fargate': 'aws',
  'app-runner': 'aws',
  'gke-autopilot': 'gcp',
  'gke-autopilot-spot': 'gcp',
  'cloud-run': 'gcp',
  'cloud-run-jobs': 'gcp',
};

/** Kubernetes-native platforms pay a cluster fee (once per report): which catalog price it is. */
export const CLUSTER_FEES: Readonly<Partial<Record<Platform, { family: 'eks' | 'gke'; item: string }>>> = {
  'eks-fargate': { family: 'eks', item: 'cluster-standard' },
  'gke-autopilot': { family: 'gke', item: 'cluster' },
  'gke-autopilot-spot': { family: 'gke', item: 'cluster' },
};

const LONG_RUNNING: readonly Platform[] = [
  'ecs-fargate',
  'ecs-fargate-spot',
  'eks-fargate',
  'app-runner',
  'gke-autopilot',
  'gke-autopilot-spot',
  'cloud-run',
];
const BATCH: readonly Platform[] = [
  'ecs-fargate',
  'eks-fargate',
  'gke-autopilot',
  'gke-autopilot-spot',
  'cloud-run-jobs',
];
const KUBERNETES_ONLY: readonly Platform[] = ['eks-fargate', 'gke-autopilot', 'gke-autopilot-spot'];

/**
 * The platforms that can run a workload: long-running kinds everywhere but Cloud Run jobs; batch kinds (Job,
 * CronJob, Cloud Run job) on Fargate, EKS Fargate, Autopilot and Cloud Run jobs; DaemonSets on Kubernetes platforms
 * only; Windows task definitions on ECS Fargate only.
 */
export function platformsFor(workload: Workload): Platform[] {
  if (isWindows(workload)) return ['ecs-fargate'];
  if (workload.kind === 'DaemonSet') return [...KUBERNETES_ONLY];
  return [...(isBatch(workload) ? BATCH : LONG_RUNNING)];
}

/** Whether a string names a platform. */
export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}
