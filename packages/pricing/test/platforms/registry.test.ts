import { platformsFor } from '../../src/platforms/registry.js';
import type { Platform, Workload } from '../../src/types.js';
import { cloudRunService, ecsTask, kube, schedule } from './make-workload.js';

const LONG: Platform[] = [
  'ecs-fargate',
  'ecs-fargate-spot',
  'eks-fargate',
  'app-runner',
  'gke-autopilot',
  'gke-autopilot-spot',
  'cloud-run',
];
const BATCH: Platform[] = [
  'ecs-fargate',
  'eks-fargate',
  'gke-autopilot',
  'gke-autopilot-spot',
  'cloud-run-jobs',
];

describe('platformsFor', () => {
  it.each<[string, Workload, Platform[]]>([
    ['Deployment', kube(), LONG],
    ['StatefulSet', kube({ kind: 'StatefulSet' }), LONG],
    ['Pod', kube({ kind: 'Pod' }), LONG],
    ['ECS task definition', ecsTask(1, 2048), LONG],
    ['Cloud Run service', cloudRunService([{ cpu: 1, memoryMiB: 512 }]), LONG],
    ['Job', kube({ kind: 'Job', schedule: schedule(1, 60) }), BATCH],
    ['CronJob', kube({ kind: 'CronJob', schedule: schedule(30, 60) }), BATCH],
    [
      'Cloud Run job',
      cloudRunService([{ cpu: 1, memoryMiB: 512 }], {}, { kind: 'CloudRunJob', schedule: schedule(1, 60) }),
      BATCH,
    ],
    ['DaemonSet', kube({ kind: 'DaemonSet' }), ['eks-fargate', 'gke-autopilot', 'gke-autopilot-spot']],
    [
      'Windows task definition',
      ecsTask(1, 2048, { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' }),
      ['ecs-fargate'],
    ],
  ])('%s', (_name, workload, platforms) => {
    expect(platformsFor(workload)).toEqual(platforms);
  });
});
