/**
 * CloudWatch alarms as health gates: their state now, read with DescribeAlarms. `@aws-sdk/client-cloudwatch` is
 * loaded only when {@link loadAlarmsApi} is awaited.
 */
import type { AwsClientOptions } from '../sdk-client.js';

/** The state of one alarm. */
export interface AlarmStatus {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  /** CloudWatch's explanation, e.g. `Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0).` */
  reason: string;
  /** When the alarm last changed state. */
  updated?: Date;
}

/** Reads alarms, metric and composite alike. */
export interface AlarmsApi {
  /**
   * The alarms named, in the order given. Throws a `TrafficTargetError` for input `alarms` naming every alarm that
   * does not exist; throttling and 5xx are retried.
   */
  describe(names: string[]): Promise<AlarmStatus[]>;
  /** Releases the client's sockets. */
  close(): void;
}

/** How {@link loadAlarmsApi} builds its client. */
export type AlarmsApiOptions = AwsClientOptions;

/**
 * Loads `@aws-sdk/client-cloudwatch` and returns an {@link AlarmsApi} on it, with `maxAttempts: 1` so that core's
 * `retry` is the only retry policy in effect.
 */
export async function loadAlarmsApi(options: AlarmsApiOptions = {}): Promise<AlarmsApi> {
  const { createSdkAlarmsApi } = await import('./alarms-sdk.js');
  return createSdkAlarmsApi(options);
}
