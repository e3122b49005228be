// CloudWatch alarms as health gates, with the real @aws-sdk/client-cloudwatch against the CloudWatch stand-in.
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { TrafficTargetError } from '@slipway/core';
import { loadAlarmsApi } from '@slipway/aws/elb';
import type { AlarmsApi } from '@slipway/aws/elb';
import { Clock, CloudWatchStandIn, TEST_CREDENTIALS } from '../../../../test/stand-ins/index.js';

const ENV_NAMES = ['AWS_ENDPOINT_URL_CLOUDWATCH', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
const START = Math.floor(Date.now() / 1000) * 1000;
let cw: CloudWatchStandIn;
let alarms: AlarmsApi;
let retried: string[];
const saved = new Map<string, string | undefined>();

beforeEach(async () => {
  cw = new CloudWatchStandIn({ clock: new Clock(START) });
  await cw.start();
  for (const name of ENV_NAMES) saved.set(name, process.env[name]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CLOUDWATCH: cw.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  });
  retried = [];
  alarms = await loadAlarmsApi({
    retry: { sleep: () => Promise.resolve() },
    onRetry: (operation) => retried.push(operation),
  });
  cw.addMetricAlarm({ name: 'green-5xx', since: START - 60_000 });
  cw.addCompositeAlarm({ name: 'green-health', rule: 'ALARM("green-5xx")', state: 'INSUFFICIENT_DATA' });
});
afterEach(async () => {
  alarms.close();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await cw.stop();
});

it('reads metric and composite alarms in the order asked', async () => {
  expect(await alarms.describe(['green-health', 'green-5xx'])).toEqual([
    {
      name: 'green-health',
      state: 'INSUFFICIENT_DATA',
      reason: expect.any(String),
      updated: new Date(START),
    },
    {
      name: 'green-5xx',
      state: 'OK',
      reason: expect.stringContaining('Threshold Crossed'),
      updated: new Date(START - 60_000),
    },
  ]);
});

it('sees a candidate go bad when the alarm flips', async () => {
  cw.setAlarmState('green-5xx', 'ALARM', '5 datapoints above 10', START + 30_000);
  expect((await alarms.describe(['green-5xx']))[0]?.state).toBe('OK');
  cw.advance(30_000);
  expect(await alarms.describe(['green-5xx'])).toEqual([
    { name: 'green-5xx', state: 'ALARM', reason: '5 datapoints above 10', updated: new Date(START + 30_000) },
  ]);
});

it('names every alarm that does not exist, as input alarms', async () => {
  const error = await alarms.describe(['green-5xx', 'nope', 'gone']).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TrafficTargetError);
  expect(error).toMatchObject({ input: 'alarms', message: expect.stringMatching(/nope, gone/) });
});

it('retries throttling and pages through more than 100 names', async () => {
  const many = Array.from({ length: 150 }, (_, i) => `alarm-${String(i).padStart(3, '0')}`);
  for (const name of many) cw.addMetricAlarm({ name });
  cw.inject('DescribeAlarms', { kind: 'throttle', times: 1 });
  const out = await alarms.describe(many);
  expect(out.map((a) => a.name)).toEqual(many);
  expect(retried).toEqual(['DescribeAlarms']);
  expect(cw.calls('DescribeAlarms').map((e) => e.status)).toEqual([400, 200, 200]);
});
