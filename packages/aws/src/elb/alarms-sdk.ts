/**
 * {@link AlarmsApi} on `@aws-sdk/client-cloudwatch`. Loaded lazily by `loadAlarmsApi`.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { TrafficTargetError } from '@slipway/core';
import { retriedCalls, sdkClientConfig } from '../sdk-client.js';
import type { AlarmStatus, AlarmsApi, AlarmsApiOptions } from './alarms.js';

/** DescribeAlarms takes at most 100 names a call. */
const NAMES_PER_CALL = 100;

/** Builds the SDK-backed {@link AlarmsApi}. */
export function createSdkAlarmsApi(options: AlarmsApiOptions): AlarmsApi {
  const client = new CloudWatchClient(sdkClientConfig(options));
  const retried = retriedCalls(options);
  const call = <T>(send: () => Promise<T>): Promise<T> => retried('DescribeAlarms', send);

  return {
    async describe(names) {
      const wanted = [...new Set(names)];
      const found = new Map<string, AlarmStatus>();
      for (let i = 0; i < wanted.length; i += NAMES_PER_CALL) {
        const chunk = wanted.slice(i, i + NAMES_PER_CALL);
        let nextToken: string | undefined;
        do {
          const token = nextToken;
          const out = await call(() =>
            client.send(
              new DescribeAlarmsCommand({
                AlarmNames: chunk,
                // Without AlarmTypes CloudWatch lists metric alarms only.
                AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
                MaxRecords: 100,
                ...(token === undefined ? {} : { NextToken: token }),
              }),
            ),
          );
          for (const alarm of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
            const status = toStatus(alarm);
            if (status !== undefined) found.set(status.name, status);
          }
          nextToken = out.NextToken;
        } while (nextToken !== undefined);
      }
      const missing = wanted.filter((name) => !found.has(name));
      if (missing.length > 0) {
        throw new TrafficTargetError(
          'alarms',
          `no CloudWatch alarm named ${missing.join(', ')} (metric and composite alarms were searched)`,
        );
      }
      return names.map((name) => found.get(name) as AlarmStatus);
    },
    close() {
      client.destroy();
    },
  };
}

function toStatus(alarm: MetricAlarm | CompositeAlarm): AlarmStatus | undefined {
  if (alarm.AlarmName === undefined) return undefined;
  const state = alarm.StateValue;
  return {
    name: alarm.AlarmName,
    state: state === 'OK' || state === 'ALARM' ? state : 'INSUFFICIENT_DATA',
    reason: alarm.StateReason ?? '',
    ...(alarm.StateUpdatedTimestamp === undefined ? {} : { updated: alarm.StateUpdatedTimestamp }),
  };
}
