// The real @aws-sdk/client-cloudwatch (AWS JSON 1.0, awsQueryCompatible) over HTTP against the CloudWatch stand-in.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { TEST_CREDENTIALS } from './aws-json.js';
import { Clock } from './clock.js';
import { CloudWatchStandIn } from './cloudwatch.js';

// Near the real time: the SDK signs with the machine's clock, and the stand-in refuses signatures 15 minutes off.
const START = Math.floor(Date.now() / 1000) * 1000;
let cw: CloudWatchStandIn;
let sdk: CloudWatchClient;

beforeEach(async () => {
  cw = new CloudWatchStandIn({ region: 'eu-west-1', clock: new Clock(START) });
  await cw.start();
  sdk = new CloudWatchClient({
    endpoint: cw.url,
    region: 'eu-west-1',
    credentials: { ...TEST_CREDENTIALS },
    maxAttempts: 1,
  });
  cw.addMetricAlarm({ name: 'web-5xx', since: START - 3_600_000 });
  cw.addMetricAlarm({ name: 'web-latency', state: 'INSUFFICIENT_DATA' });
  cw.addCompositeAlarm({ name: 'web-health', rule: 'ALARM("web-5xx") OR ALARM("web-latency")' });
});
afterEach(async () => {
  sdk.destroy();
  await cw.stop();
});

async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    const e = error as {
      name: string;
      message: string;
      Code?: string;
      $metadata?: { httpStatusCode?: number };
    };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message, code: e.Code };
  }
  throw new Error('expected a rejection');
}

describe('CloudWatch stand-in through the real SDK', () => {
  it('speaks AWS JSON 1.0 with the Granite target, signed for monitoring', async () => {
    const out = await sdk.send(new DescribeAlarmsCommand({ AlarmNames: ['web-5xx'] }));
    expect(out.MetricAlarms).toEqual([
      expect.objectContaining({
        AlarmName: 'web-5xx',
        AlarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-5xx',
        StateValue: 'OK',
        StateUpdatedTimestamp: new Date(START - 3_600_000),
        Namespace: 'AWS/ApplicationELB',
      }),
    ]);
    expect(out.CompositeAlarms).toEqual([]);
    const entry = cw.journal[0];
    expect(entry?.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.DescribeAlarms');
    expect(entry?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(String(entry?.headers['authorization'])).toContain('/eu-west-1/monitoring/aws4_request');
  });

  it('lists only metric alarms unless AlarmTypes asks for composite ones too', async () => {
    const names = ['web-5xx', 'web-health'];
    const metricOnly = await sdk.send(new DescribeAlarmsCommand({ AlarmNames: names }));
    expect(metricOnly.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['web-5xx']);
    expect(metricOnly.CompositeAlarms).toEqual([]);
    const both = await sdk.send(
      new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
    );
    expect(both.CompositeAlarms?.[0]).toMatchObject({
      AlarmName: 'web-health',
      AlarmRule: 'ALARM("web-5xx") OR ALARM("web-latency")',
    });
  });

  it('flips an alarm at the chosen moment of the stand-in clock', async () => {
    cw.setAlarmState(
      'web-5xx',
      'ALARM',
      'Threshold Crossed: 3 datapoints were greater than 10',
      START + 60_000,
    );
    const before = await sdk.send(new DescribeAlarmsCommand({ AlarmNames: ['web-5xx'] }));
    expect(before.MetricAlarms?.[0]?.StateValue).toBe('OK');
    cw.advance(60_000);
    const after = await sdk.send(new DescribeAlarmsCommand({ AlarmNames: ['web-5xx'], StateValue: 'ALARM' }));
    expect(after.MetricAlarms?.[0]).toMatchObject({
      StateValue: 'ALARM',
      StateReason: 'Threshold Crossed: 3 datapoints were greater than 10',
      StateUpdatedTimestamp: new Date(START + 60_000),
    });
  });

  it('pages with MaxRecords and NextToken, sorted by name', async () => {
    const types = ['MetricAlarm' as const, 'CompositeAlarm' as const];
    const first = await sdk.send(new DescribeAlarmsCommand({ AlarmTypes: types, MaxRecords: 2 }));
    expect(first.CompositeAlarms?.map((a) => a.AlarmName)).toEqual(['web-health']);
    expect(first.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['web-5xx']);
    const second = await sdk.send(
      new DescribeAlarmsCommand({ AlarmTypes: types, MaxRecords: 2, NextToken: first.NextToken }),
    );
    expect(second.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['web-latency']);
    expect(second.NextToken).toBeUndefined();
  });

  it('answers bad tokens and throttling with the query-compatible codes', async () => {
    expect(await failure(sdk.send(new DescribeAlarmsCommand({ NextToken: 'garbage' })))).toMatchObject({
      name: 'InvalidNextToken',
      status: 400,
    });
    expect(
      await failure(sdk.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'b' }))),
    ).toMatchObject({ name: 'InvalidParameterCombinationException', status: 400 });
    cw.inject('DescribeAlarms', { kind: 'throttle', times: 1 });
    expect(await failure(sdk.send(new DescribeAlarmsCommand({})))).toMatchObject({
      status: 400,
      code: 'Throttling',
    });
    const throttled = cw.journal.at(-1);
    expect(throttled?.fault).toBe('throttle');
  });
});
