// The Cloud Run traffic router with the real @google-cloud/run clients (REST) against the Cloud Run stand-in.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { TrafficTargetError } from '@slipway/core';
import type { RouteState } from '@slipway/core';
import {
  CLOUD_RUN_OPERATIONS,
  CONTAINER_FAILED_MESSAGE,
  CloudRunStandIn,
} from '../../../../test/stand-ins/cloud-run.js';
import type { JsonObject } from '../../../../test/stand-ins/cloud-run.js';
import { Clock } from '../../../../test/stand-ins/clock.js';
import { useStandInApi } from './stand-in-api.js';
import { createCloudRunRouter, settableService, splitTraffic, tagTraffic } from '../../src/run/index.js';
import type { CloudRunRouterOptions, RunApi, Service, TrafficTarget } from '../../src/run/index.js';

const READY_AFTER_MS = 3_000;
const run = new CloudRunStandIn({
  clock: new Clock(Date.parse('2025-01-01T00:00:00Z')),
  readyAfterMs: READY_AFTER_MS,
});
const standIn = useStandInApi(run);
const { lines } = standIn;
let api: RunApi;
beforeAll(() => {
  api = standIn.api();
});

let serial = 0;
/** A fresh service `web<n>` whose first revision `web<n>-blue` is ready and serves through LATEST. */
function seed(): string {
  serial += 1;
  const id = `web${serial}`;
  const name = CloudRunStandIn.serviceName('p', 'us-central1', id);
  run.seedService(name, { template: { revision: `${id}-blue`, containers: [{ image: 'app:1' }] } });
  return name;
}

const id = (name: string) => name.split('/').pop()!;

/** Deploys revision `<service>-<suffix>` with `image` and the given traffic, and lets it settle. */
async function deploy(
  name: string,
  suffix: string,
  traffic: Array<Omit<TrafficTarget, 'type'> & { latest?: boolean }>,
  image = `app:${suffix}`,
): Promise<string> {
  const live = (await api.getService(name))!;
  const revision = `${id(name)}-${suffix}`;
  await api.updateService({
    ...settableService(live),
    etag: live.etag,
    template: { ...live.template, revision, containers: [{ image }] },
    traffic: traffic.map(({ latest, ...t }) => ({
      type: latest ? 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' : 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
      ...t,
      ...(t.revision ? { revision: `${id(name)}-${t.revision}` } : {}),
    })),
  });
  run.advance(READY_AFTER_MS);
  run.settle();
  run.clearJournal();
  return revision;
}

function router(name: string, over: Partial<CloudRunRouterOptions> = {}) {
  return createCloudRunRouter(api, {
    service: name,
    candidate: 'green',
    pollIntervalMs: 5,
    timeoutMs: 5_000,
    log: (l) => lines.push(l),
    ...over,
  });
}

/** Where traffic goes, as `revision:percent[:tag]` with short names. */
function where(name: string): string[] {
  return run
    .traffic(name)
    .map((s) =>
      [String(s.revision).replace(`${id(name)}-`, ''), String(s.percent), ...(s.tag ? [s.tag] : [])].join(
        ':',
      ),
    );
}

/** The traffic of each UpdateService sent, as sent (enums as numbers). */
function updates(): JsonObject[][] {
  return run
    .calls(CLOUD_RUN_OPERATIONS.updateService)
    .map((e) => (e.body as { traffic: JsonObject[] }).traffic);
}

function sum(traffic: JsonObject[]): number {
  return traffic.reduce((s, t) => s + Number(t.percent ?? 0), 0);
}

async function caught(p: Promise<unknown>): Promise<TrafficTargetError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TrafficTargetError) return e;
    throw e;
  }
  throw new Error('expected a TrafficTargetError');
}

describe('read', () => {
  it('infers the stable revision from the LATEST target that serves it', async () => {
    const name = seed();
    // The candidate is an older revision (a roll-back candidate, tagged); LATEST serves the newer one.
    await deploy(name, 'old', [{ latest: true, percent: 100 }]);
    await deploy(name, 'new', [
      { latest: true, percent: 100 },
      { revision: 'old', tag: 'prev' },
    ]);
    expect(where(name)).toEqual(['new:100', 'old:0:prev']);
    const state = await router(name, { candidate: 'prev' }).read();
    expect(state).toEqual({
      stable: `${id(name)}-new`,
      candidate: `${id(name)}-old`,
      weights: { stable: 100, candidate: 0 },
      candidateUrl: expect.stringMatching(
        new RegExp(`^https://prev---${id(name)}-[a-z]{10}-uc\\.a\\.run\\.app$`),
      ),
      route: `Cloud Run service ${id(name)} (us-central1, project p)`,
    });
  });

  it('resolves a candidate served through LATEST, next to a pinned stable revision', async () => {
    const name = seed();
    await deploy(name, 'green', [
      { revision: 'blue', percent: 90 },
      { latest: true, percent: 10 },
    ]);
    expect(where(name)).toEqual(['blue:90', 'green:10']);
    const state = await router(name, { candidate: `${id(name)}-green` }).read();
    expect(state).toMatchObject({
      stable: `${id(name)}-blue`,
      candidate: `${id(name)}-green`,
      weights: { stable: 90, candidate: 10 },
    });
    expect(state.candidateUrl).toBeUndefined();
  });

  it('finds the candidate by its tag and reports its tag URL', async () => {
    const name = seed();
    await deploy(name, 'g1', [
      { revision: 'blue', percent: 100 },
      { revision: 'g1', tag: 'green' },
    ]);
    const state = await router(name).read();
    expect(state).toMatchObject({ stable: `${id(name)}-blue`, candidate: `${id(name)}-g1` });
    expect(state.weights).toEqual({ stable: 100, candidate: 0 });
    expect(state.candidateUrl).toBe(run.traffic(name).find((s) => s.tag === 'green')!.uri);
  });

  it('reports no stable revision when the candidate serves everything, unless one is named', async () => {
    const name = seed();
    await deploy(name, 'green', [{ latest: true, percent: 100 }]);
    expect(await router(name, { candidate: `${id(name)}-green` }).read()).toMatchObject({
      stable: undefined,
      weights: { stable: 0, candidate: 100 },
    });
    expect(
      await router(name, { candidate: `${id(name)}-green`, stable: `${id(name)}-blue` }).read(),
    ).toMatchObject({ stable: `${id(name)}-blue`, weights: { stable: 0, candidate: 100 } });
  });

  it('names the candidate input when it is neither a revision nor a tag of the service', async () => {
    const name = seed();
    const e = await caught(router(name, { candidate: 'nope' }).read());
    expect(e.input).toBe('candidate');
    expect(e.message).toBe(
      `"nope" is neither a revision nor a tag of Cloud Run service ${id(name)} (us-central1, project p); it has ${id(name)}-blue`,
    );
  });

  it('names the candidate input with Cloud Run’s message when the candidate is not ready', async () => {
    const name = seed();
    const bad = await deploy(name, 'bad', [{ revision: 'blue', percent: 100 }], 'app:bad');
    const e = await caught(router(name, { candidate: bad }).read());
    expect(e.input).toBe('candidate');
    expect(e.message).toBe(
      `revision ${bad} of Cloud Run service ${id(name)} (us-central1, project p) is not ready and cannot serve traffic (failed): ${CONTAINER_FAILED_MESSAGE}`,
    );
  });

  it('names the stable input when traffic goes to three revisions', async () => {
    const name = seed();
    await deploy(name, 'red', [
      { revision: 'blue', percent: 70 },
      { latest: true, percent: 30 },
    ]);
    await deploy(name, 'green', [
      { revision: 'blue', percent: 50 },
      { revision: 'red', percent: 30 },
      { latest: true, percent: 20 },
    ]);
    const svc = id(name);
    const e = await caught(router(name, { candidate: `${svc}-green` }).read());
    expect(e.input).toBe('stable');
    expect(e.message).toBe(
      `traffic goes to ${svc}-blue (50 %), ${svc}-red (30 %), ${svc}-green (20 %): name the stable revision, and move the other revisions' traffic to it or to the candidate ${svc}-green first`,
    );
    // Naming the stable revision does not hide a third one that still has traffic.
    const named = await caught(router(name, { candidate: `${svc}-green`, stable: `${svc}-blue` }).read());
    expect(named.input).toBe('stable');
    expect(named.message).toContain(
      `${svc}-red is neither the stable revision ${svc}-blue nor the candidate`,
    );
  });

  it('accepts a named stable revision when the other revisions have no traffic', async () => {
    const name = seed();
    await deploy(name, 'red', [
      { latest: true, percent: 100 },
      { revision: 'blue', tag: 'old' },
    ]);
    await deploy(name, 'green', [
      { revision: 'red', percent: 100 },
      { revision: 'blue', tag: 'old' },
    ]);
    const state = await router(name, { candidate: `${id(name)}-green`, stable: `${id(name)}-red` }).read();
    expect(state).toMatchObject({ stable: `${id(name)}-red`, weights: { stable: 100, candidate: 0 } });
    // A tag names a stable revision too; the revision without traffic in between is no obstacle.
    const byTag = await router(name, { candidate: 'old', stable: `${id(name)}-red` }).read();
    expect(byTag).toMatchObject({ candidate: `${id(name)}-blue`, weights: { stable: 100, candidate: 0 } });
  });

  it('names the service and stable inputs when they do not exist', async () => {
    const name = seed();
    const missing = await caught(router(`${name}-gone`).read());
    expect(missing.input).toBe('service');
    expect(missing.message).toBe(`service ${id(name)}-gone does not exist in us-central1 of project p`);
    const stable = await caught(router(name, { candidate: `${id(name)}-blue`, stable: 'nope' }).read());
    expect(stable.input).toBe('stable');
    expect(() => router('web')).toThrow(TrafficTargetError);
  });

  it('retries throttled (429 RESOURCE_EXHAUSTED) and unavailable (503) reads', async () => {
    const name = seed();
    await deploy(name, 'green', [
      { revision: 'blue', percent: 100 },
      { revision: 'green', tag: 'green' },
    ]);
    run.inject(CLOUD_RUN_OPERATIONS.getService, { kind: 'throttle', times: 1 });
    run.inject(CLOUD_RUN_OPERATIONS.getRevision, { kind: 'http', status: 503, times: 1 });
    const state = await router(name).read();
    expect(state.candidate).toBe(`${id(name)}-green`);
    expect(run.calls(CLOUD_RUN_OPERATIONS.getService).map((e) => e.status)).toEqual([429, 200]);
    expect(run.calls(CLOUD_RUN_OPERATIONS.getRevision).map((e) => e.status)).toEqual([503, 200]);
    expect(lines.filter((l) => l.startsWith('retry'))).toEqual([
      `retry 1: get service ${name}`,
      `retry 1: get revision ${name}/revisions/${id(name)}-green`,
    ]);
  });
});

describe('write', () => {
  /** blue serves everything; green is tagged `green`; an older revision keeps its tag `v0`. */
  async function blueGreen(): Promise<{ name: string; state: RouteState }> {
    const name = seed();
    await deploy(
      name,
      'v0',
      [
        { revision: 'blue', percent: 100 },
        { revision: 'v0', tag: 'v0' },
      ],
      'app:0',
    );
    await deploy(name, 'green', [
      { latest: false, revision: 'blue', percent: 100 },
      { revision: 'v0', tag: 'v0' },
      { revision: 'green', tag: 'green' },
    ]);
    return { name, state: await router(name).read() };
  }

  it('moves 5 % then 100 % to the candidate in one UpdateService each, keeping every tag', async () => {
    const { name, state } = await blueGreen();
    const revisions = run.revisions(name).length;
    const created = run.service(name)!.latestCreatedRevision;
    const r = router(name);

    await r.write({ stable: 95, candidate: 5 }, state);
    expect(where(name)).toEqual(['blue:95', 'green:5:green', 'v0:0:v0']);
    await r.write({ stable: 0, candidate: 100 }, state);
    expect(where(name)).toEqual(['green:100:green', 'v0:0:v0']);
    expect(await r.read()).toMatchObject({
      stable: undefined,
      candidate: `${id(name)}-green`,
      weights: { stable: 0, candidate: 100 },
    });

    const sent = updates();
    expect(sent).toHaveLength(2);
    for (const traffic of sent) expect(sum(traffic)).toBe(100);
    // Both pinned by name: nothing follows LATEST, so the next deploy cannot take traffic by itself.
    expect(sent.flat().every((t) => t.type === 2)).toBe(true);
    // A traffic-only update makes no revision.
    expect(run.revisions(name)).toHaveLength(revisions);
    expect(run.service(name)!.latestCreatedRevision).toBe(created);
  });

  it('rolls back to the stable revision, keeping the candidate only for its tag', async () => {
    const { name, state } = await blueGreen();
    const r = router(name);
    await r.write({ stable: 50, candidate: 50 }, state);
    await r.write({ stable: 100, candidate: 0 }, state);
    expect(where(name)).toEqual(['blue:100', 'green:0:green', 'v0:0:v0']);
  });

  it('pins a LATEST share by name and leaves a tag on LATEST without traffic', async () => {
    const name = seed();
    await deploy(name, 'old', [{ latest: true, percent: 100, tag: 'head' }]);
    await deploy(name, 'new', [
      { latest: true, percent: 100, tag: 'head' },
      { revision: 'old', tag: 'prev' },
    ]);
    const r = router(name, { candidate: 'prev' });
    const state = await r.read();
    await r.write({ stable: 80, candidate: 20 }, state);
    expect(updates()[0]).toEqual([
      { type: 2, revision: `${id(name)}-new`, percent: 80 },
      { type: 2, revision: `${id(name)}-old`, percent: 20, tag: 'prev' },
      { type: 1, tag: 'head' },
    ]);
    expect(where(name)).toEqual(['new:80', 'old:20:prev', 'new:0:head']);
  });

  it('retries a throttled and an unavailable UpdateService, and an operation read', async () => {
    const { name, state } = await blueGreen();
    run.inject(CLOUD_RUN_OPERATIONS.updateService, { kind: 'throttle', times: 1 });
    run.inject(CLOUD_RUN_OPERATIONS.updateService, { kind: 'http', status: 503, times: 1 });
    await router(name).write({ stable: 90, candidate: 10 }, state);
    expect(run.calls(CLOUD_RUN_OPERATIONS.updateService).map((e) => e.status)).toEqual([429, 503, 200]);
    expect(where(name)).toEqual(['blue:90', 'green:10:green', 'v0:0:v0']);
    for (const traffic of updates()) expect(sum(traffic)).toBe(100);
  });

  it('reads the service again and retries once after an etag conflict', async () => {
    const { name, state } = await blueGreen();
    run.conflictOnNextUpdate(name);
    await router(name).write({ stable: 75, candidate: 25 }, state);
    expect(run.calls(CLOUD_RUN_OPERATIONS.updateService).map((e) => e.status)).toEqual([409, 200]);
    expect(lines).toContain(
      `Cloud Run service ${id(name)} (us-central1, project p) changed since it was read (etag conflict): reading it again and retrying once`,
    );
    expect(where(name)).toEqual(['blue:75', 'green:25:green', 'v0:0:v0']);
  });

  it('hands the operation to waitOperation when given', async () => {
    const { name, state } = await blueGreen();
    const waited: string[] = [];
    await router(name, { waitOperation: async (op) => void waited.push(op) }).write(
      { stable: 99, candidate: 1 },
      state,
    );
    expect(waited).toEqual([expect.stringMatching(/^projects\/p\/locations\/us-central1\/operations\//)]);
  });

  it('is refused by Cloud Run when the percents do not add up to 100', async () => {
    const name = seed();
    const live = (await api.getService(name))!;
    await expect(
      api.updateService({
        ...settableService(live),
        traffic: [
          { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: `${id(name)}-blue`, percent: 90 },
        ],
      }),
    ).rejects.toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect(run.calls(CLOUD_RUN_OPERATIONS.updateService).map((e) => e.status)).toEqual([400]);
  });

  it('refuses weights that are not whole percentages summing to 100, before any call', async () => {
    const { name, state } = await blueGreen();
    run.clearJournal();
    await expect(router(name).write({ stable: 90, candidate: 5 }, state)).rejects.toThrow(RangeError);
    expect(run.journal).toHaveLength(0);
  });
});

describe('preview', () => {
  it('tags the candidate at 0 % in one UpdateService and returns the tag URL', async () => {
    const name = seed();
    await deploy(name, 'green', [{ revision: 'blue', percent: 100 }]);
    const r = router(name, { candidate: `${id(name)}-green` });
    const state = await r.read();
    expect(state.candidateUrl).toBeUndefined();
    const url = await r.preview!(state);
    expect(url).toMatch(new RegExp(`^https://candidate---${id(name)}-[a-z]{10}-uc\\.a\\.run\\.app$`));
    expect(where(name)).toEqual(['blue:100', 'green:0:candidate']);
    expect(updates()).toEqual([
      [
        { type: 2, revision: `${id(name)}-blue`, percent: 100 },
        { type: 2, revision: `${id(name)}-green`, tag: 'candidate' },
      ],
    ]);
    expect((await r.read()).candidateUrl).toBe(url);
    // Already tagged: no second write.
    run.clearJournal();
    expect(await r.preview!(state)).toBe(url);
    expect(updates()).toEqual([]);
  });

  it('moves the preview tag off another revision', async () => {
    const name = seed();
    await deploy(name, 'red', [
      { latest: true, percent: 100 },
      { revision: 'blue', tag: 'next' },
    ]);
    await deploy(name, 'green', [
      { revision: 'red', percent: 100 },
      { revision: 'blue', tag: 'next' },
    ]);
    const r = router(name, { candidate: `${id(name)}-green`, previewTag: 'next' });
    const url = await r.preview!(await r.read());
    expect(url).toContain('https://next---');
    expect(where(name)).toEqual(['red:100', 'green:0:next']);
  });

  it('names the preview-tag input when the tag cannot be a Cloud Run tag', async () => {
    const name = seed();
    const r = router(name, { candidate: `${id(name)}-blue`, previewTag: 'Not_A_Tag' });
    const e = await caught(r.preview!(await r.read()));
    expect(e.input).toBe('preview-tag');
  });
});

describe('pure traffic plans', () => {
  const live: Pick<Service, 'traffic'> = {
    traffic: [
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100, tag: 'head' },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'web-g', tag: 'green' },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'web-g', tag: 'also' },
    ],
  };
  const R = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
  const L = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';

  it.each([
    [
      { stable: 95, candidate: 5 },
      [
        { type: R, revision: 'web-b', percent: 95 },
        { type: R, revision: 'web-g', percent: 5, tag: 'green' },
        { type: L, tag: 'head' },
        { type: R, revision: 'web-g', tag: 'also' },
      ],
    ],
    [
      { stable: 100, candidate: 0 },
      [
        { type: R, revision: 'web-b', percent: 100 },
        { type: L, tag: 'head' },
        { type: R, revision: 'web-g', tag: 'green' },
        { type: R, revision: 'web-g', tag: 'also' },
      ],
    ],
  ])('splits %j', (weights, expected) => {
    expect(splitTraffic(live, { stable: 'web-b', candidate: 'web-g' }, weights)).toEqual(expected);
  });

  it('needs a stable revision for a stable share', () => {
    expect(() =>
      splitTraffic(live, { stable: undefined, candidate: 'web-g' }, { stable: 1, candidate: 99 }),
    ).toThrow(TrafficTargetError);
  });

  it('tags the candidate on its own share, taking the tag off elsewhere', () => {
    expect(
      tagTraffic(
        {
          traffic: [
            { type: R, revision: 'web-b', percent: 90 },
            { type: R, revision: 'web-g', percent: 10 },
            { type: R, revision: 'web-x', tag: 'candidate' },
          ],
        },
        'web-g',
        'candidate',
      ),
    ).toEqual([
      { type: R, revision: 'web-b', percent: 90 },
      { type: R, revision: 'web-g', percent: 10, tag: 'candidate' },
    ]);
  });
});
