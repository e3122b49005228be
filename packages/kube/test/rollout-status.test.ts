import { rolloutState } from '../src/rollout-status.js';
import type { KubeObject } from '../src/types.js';

const object = (kind: string, spec: object, status: object, generation = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'x', generation },
  spec,
  status,
});

describe('rolloutState', () => {
  it.each([
    {
      name: 'spec not observed',
      spec: { replicas: 3 },
      status: { observedGeneration: 1 },
      state: 'progressing',
      message: 'waiting for the deployment spec update to be observed',
    },
    {
      name: 'progress deadline exceeded',
      spec: { replicas: 3 },
      status: {
        observedGeneration: 2,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "x-1" has timed out progressing.',
          },
        ],
      },
      state: 'failed',
      message: 'deployment "x" exceeded its progress deadline (ReplicaSet "x-1" has timed out progressing.)',
    },
    {
      name: 'updating',
      spec: { replicas: 3 },
      status: { observedGeneration: 2, updatedReplicas: 1, replicas: 4 },
      state: 'progressing',
      message: '1 of 3 new replicas updated',
    },
    {
      name: 'old pods terminating',
      spec: { replicas: 3 },
      status: { observedGeneration: 2, updatedReplicas: 3, replicas: 4 },
      state: 'progressing',
      message: '1 old replicas pending termination',
    },
    {
      name: 'waiting for availability',
      spec: { replicas: 3 },
      status: { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 },
      state: 'progressing',
      message: '2 of 3 updated replicas available',
    },
    {
      name: 'done',
      spec: { replicas: 3 },
      status: { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 },
      state: 'done',
      message: '3 of 3 replicas available',
    },
    {
      name: 'replicas defaults to 1',
      spec: {},
      status: { observedGeneration: 2, updatedReplicas: 1, replicas: 1, availableReplicas: 1 },
      state: 'done',
      message: '1 of 1 replicas available',
    },
  ])('Deployment: $name', ({ spec, status, state, message }) => {
    expect(rolloutState(object('Deployment', spec, status))).toEqual({ state, message });
  });

  it.each([
    { name: 'OnDelete', spec: { updateStrategy: { type: 'OnDelete' } }, status: {}, state: 'done' },
    { name: 'not observed', spec: { replicas: 2 }, status: { observedGeneration: 1 }, state: 'progressing' },
    {
      name: 'pods not ready',
      spec: { replicas: 2 },
      status: { observedGeneration: 2, readyReplicas: 1 },
      state: 'progressing',
    },
    {
      name: 'partition pending',
      spec: { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      status: { observedGeneration: 2, readyReplicas: 4, updatedReplicas: 1 },
      state: 'progressing',
    },
    {
      name: 'partition done',
      spec: { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      status: { observedGeneration: 2, readyReplicas: 4, updatedReplicas: 2 },
      state: 'done',
    },
    {
      name: 'revision rolling',
      spec: { replicas: 2 },
      status: {
        observedGeneration: 2,
        readyReplicas: 2,
        updatedReplicas: 1,
        currentRevision: 'a',
        updateRevision: 'b',
      },
      state: 'progressing',
    },
    {
      name: 'rolled out',
      spec: { replicas: 2 },
      status: {
        observedGeneration: 2,
        readyReplicas: 2,
        updatedReplicas: 2,
        currentRevision: 'b',
        updateRevision: 'b',
      },
      state: 'done',
    },
  ])('StatefulSet: $name → $state', ({ spec, status, state }) => {
    expect(rolloutState(object('StatefulSet', spec, status)).state).toBe(state);
  });

  it.each([
    { status: { observedGeneration: 1 }, state: 'progressing' },
    {
      status: { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 2 },
      state: 'progressing',
    },
    {
      status: {
        observedGeneration: 2,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      },
      state: 'progressing',
    },
    {
      status: {
        observedGeneration: 2,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
      },
      state: 'done',
    },
  ])('DaemonSet $status → $state', ({ status, state }) => {
    expect(rolloutState(object('DaemonSet', {}, status)).state).toBe(state);
  });

  it.each([
    { conditions: [], state: 'progressing' },
    { conditions: [{ type: 'Complete', status: 'True' }], state: 'done' },
    {
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
      state: 'failed',
    },
  ])('Job with $conditions → $state', ({ conditions, state }) => {
    expect(rolloutState(object('Job', {}, { conditions })).state).toBe(state);
  });
});
