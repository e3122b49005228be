// The rollout observers over a scripted RunApi (an injected fake of Slipway's own interface, not of the SDK).
import { describe, expect, it } from '@jest/globals';
import { ExecutionObserver, RunApiError, ServiceRolloutObserver } from '../../src/run/index.js';
import type { Execution, OperationState, Revision, RunApi, Service } from '../../src/run/index.js';

const SVC = 'projects/p/locations/us-central1/services/web';
const NEW = `${SVC}/revisions/web-00002-new`;
const OLD = `${SVC}/revisions/web-00001-old`;

interface World {
  op?: OperationState;
  service?: Service;
  revisions?: Record<string, Revision>;
  execution?: Execution;
}

function api(world: World): RunApi {
  const unused = () => Promise.reject(new Error('not used by observers'));
  return {
    getOperation: async () => world.op!,
    getService: async () => world.service,
    getRevision: async (name) => world.revisions?.[name],
    getExecution: async () => world.execution!,
    getIamPolicy: unused,
    setIamPolicy: unused,
    createService: unused,
    updateService: unused,
    getJob: unused,
    createJob: unused,
    updateJob: unused,
    runJob: unused,
    listTasks: unused,
    close: async () => undefined,
  };
}

const ready = (name: string): Revision => ({
  name,
  conditions: [
    { type: 'Ready', state: 'CONDITION_SUCCEEDED' },
    { type: 'ContainerHealthy', state: 'CONDITION_SUCCEEDED' },
  ],
});
const deploying = (name: string): Revision => ({
  name,
  conditions: [
    { type: 'Ready', state: 'CONDITION_RECONCILING' },
    { type: 'ContainerHealthy', state: 'CONDITION_PENDING' },
  ],
});
const failed = (name: string, message: string): Revision => ({
  name,
  conditions: [{ type: 'Ready', state: 'CONDITION_FAILED', message }],
});
const running = { name: 'op', done: false, error: undefined };
const finished = { name: 'op', done: true, error: undefined };
const serving = (latestReady: string, created = latestReady): Service => ({
  name: SVC,
  latestCreatedRevision: created,
  latestReadyRevision: latestReady,
  terminalCondition: { type: 'Ready', state: 'CONDITION_SUCCEEDED' },
});

describe('ServiceRolloutObserver', () => {
  it.each([
    [
      'a rollout in progress',
      { op: running, service: serving(OLD, NEW), revisions: { [NEW]: deploying(NEW) } },
      'progress',
      'revision web-00002-new: deploying',
      [],
    ],
    [
      'a revision that fails before the operation ends',
      {
        op: running,
        service: serving(OLD, NEW),
        revisions: { [NEW]: failed(NEW, 'container failed to start') },
      },
      'failed',
      'revision web-00002-new: failed',
      ['container failed to start'],
    ],
    [
      'a failed operation',
      {
        op: {
          name: 'op',
          done: true,
          error: new RunApiError('FAILED_PRECONDITION', 'quota exceeded for CPU', 'x', { operation: true }),
        },
        service: serving(OLD, NEW),
        revisions: { [NEW]: deploying(NEW) },
      },
      'failed',
      'revision web-00002-new: deploying',
      ['quota exceeded for CPU'],
    ],
    [
      'a ready revision once the operation is done',
      { op: finished, service: serving(NEW), revisions: { [NEW]: ready(NEW) } },
      'done',
      'revision web-00002-new: ready',
      [],
    ],
    [
      'a done operation whose revision is not ready',
      { op: finished, service: serving(OLD, NEW), revisions: { [NEW]: deploying(NEW) } },
      'failed',
      'revision web-00002-new: deploying',
      ['the operation finished but revision web-00002-new is not ready (deploying)'],
    ],
    [
      'a ready revision the service does not report yet',
      { op: finished, service: serving(OLD, NEW), revisions: { [NEW]: ready(NEW) } },
      'progress',
      'revision web-00002-new: ready',
      [],
    ],
    [
      'a service whose terminal condition failed',
      {
        op: finished,
        service: {
          ...serving(NEW),
          terminalCondition: { state: 'CONDITION_FAILED' as const, message: 'route failed' },
        },
        revisions: { [NEW]: ready(NEW) },
      },
      'failed',
      'revision web-00002-new: ready',
      ['route failed'],
    ],
  ])('%s', async (_what, world, outcome, summary, reasons) => {
    const observer = new ServiceRolloutObserver(api(world), {
      service: SVC,
      operation: 'op',
      makesRevision: true,
      previous: OLD,
    });
    const s = await observer.observe();
    expect({
      outcome: s.done ? 'done' : s.failed ? 'failed' : 'progress',
      summary: s.summary,
      reasons: s.reasons,
    }).toEqual({ outcome, summary, reasons });
  });

  it('waits for an auto-named revision to appear', async () => {
    const world: World = { op: running, service: serving(OLD), revisions: { [OLD]: ready(OLD) } };
    const observer = new ServiceRolloutObserver(api(world), {
      service: SVC,
      operation: 'op',
      makesRevision: true,
      previous: OLD,
      label: 'eu: ',
    });
    expect((await observer.observe()).summary).toBe('eu: waiting for the new revision');
    world.service = serving(OLD, NEW);
    world.revisions![NEW] = deploying(NEW);
    expect((await observer.observe()).summary).toBe('eu: revision web-00002-new: deploying');
  });

  it('follows an unchanged service without an operation until its revision settles', async () => {
    const world: World = { service: serving(OLD, NEW), revisions: { [NEW]: deploying(NEW) } };
    const observer = new ServiceRolloutObserver(api(world), { service: SVC, makesRevision: false });
    expect((await observer.observe()).done).toBe(false);
    world.revisions![NEW] = failed(NEW, 'still broken');
    expect(await observer.observe()).toMatchObject({ failed: true, reasons: ['still broken'] });
  });

  it('tells each condition change once', async () => {
    const world: World = { op: running, service: serving(OLD, NEW), revisions: { [NEW]: deploying(NEW) } };
    const observer = new ServiceRolloutObserver(api(world), {
      service: SVC,
      operation: 'op',
      makesRevision: true,
    });
    expect((await observer.observe()).events).toEqual(['revision web-00002-new: ContainerHealthy pending']);
    expect((await observer.observe()).events).toEqual([]);
    world.revisions![NEW] = ready(NEW);
    expect((await observer.observe()).events).toEqual(['revision web-00002-new: ContainerHealthy ready']);
  });
});

describe('ExecutionObserver', () => {
  const NAME = 'projects/p/locations/l/jobs/j/executions/j-abcde';
  it.each([
    [
      'running',
      {
        taskCount: 3,
        runningCount: 3,
        conditions: [{ type: 'Completed', state: 'CONDITION_RECONCILING' as const }],
      },
      'progress',
      'execution j-abcde: 0/3 tasks succeeded, 0 failed, 3 running',
      [],
    ],
    [
      'succeeded',
      {
        taskCount: 3,
        succeededCount: 3,
        conditions: [{ type: 'Completed', state: 'CONDITION_SUCCEEDED' as const }],
      },
      'done',
      'execution j-abcde: 3/3 tasks succeeded, 0 failed, 0 running',
      [],
    ],
    [
      'failed',
      {
        taskCount: 3,
        succeededCount: 2,
        failedCount: 1,
        conditions: [
          { type: 'Completed', state: 'CONDITION_FAILED' as const, message: '2/3 tasks were a success' },
        ],
      },
      'failed',
      'execution j-abcde: 2/3 tasks succeeded, 1 failed, 0 running',
      ['2/3 tasks were a success'],
    ],
  ])('%s', async (_what, execution, outcome, summary, reasons) => {
    const s = await new ExecutionObserver(api({ execution }), NAME).observe();
    expect({
      outcome: s.done ? 'done' : s.failed ? 'failed' : 'progress',
      summary: s.summary,
      reasons: s.reasons,
    }).toEqual({ outcome, summary, reasons });
  });
});
