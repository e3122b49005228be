// Amazon CloudWatch alarms over AWS JSON 1.0, as @aws-sdk/client-cloudwatch 3.116x speaks it: `X-Amz-Target:
// GraniteServiceVersion20100801.DescribeAlarms`, signing name `monitoring`, timestamps as epoch seconds. The service
// is `awsQueryCompatible`: errors also carry `x-amzn-query-error: <Code>;<Sender|Receiver>`, the code the Query
// protocol used to answer. References:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html (defaults: only metric
// alarms unless `AlarmTypes` says otherwise, `MaxRecords` 1–100 with 50 by default, sorted by name),
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#aws-protocols-awsquerycompatible-trait.
import type { randomUUID } from 'node:crypto';
import { AwsError, AwsJsonStandIn } from './aws-json.js';
import type { AwsContext } from './aws-json.js';
import type { StandInOptions, StandInResponse } from './base.js';
import type { AwsCredential } from './sigv4.js';

/** An alarm state. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** A state an alarm enters at a moment (stand-in clock, epoch ms). */
export interface AlarmStateChange {
  at: number;
  state: AlarmState;
  reason: string;
}

/** An alarm the stand-in knows: metric or composite, with the timeline of its states. */
export interface CloudWatchAlarmRecord {
  type: 'MetricAlarm' | 'CompositeAlarm';
  name: string;
  arn: string;
  description?: string;
  /** Metric alarms: namespace, metric, dimensions, threshold. */
  metric?: {
    namespace: string;
    name: string;
    dimensions?: { Name: string; Value: string }[];
    threshold?: number;
    comparison?: string;
    statistic?: string;
    period?: number;
    evaluationPeriods?: number;
  };
  /** Composite alarms: the rule over other alarms. */
  rule?: string;
  /** Ordered by `at`; the state at a moment is the last change at or before it. */
  timeline: AlarmStateChange[];
}

/** How a test seeds an alarm. */
export interface AlarmSeed {
  name: string;
  /** Default `OK`. */
  state?: AlarmState;
  reason?: string;
  /** When the alarm entered its state (stand-in clock epoch ms or Date); default now. */
  since?: number | Date;
  description?: string;
  metric?: CloudWatchAlarmRecord['metric'];
}

/** Options of the CloudWatch stand-in. */
export interface CloudWatchStandInOptions extends StandInOptions {
  region?: string;
  account?: string;
  credentials?: AwsCredential[];
}

const STATES: AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/** A CloudWatch stand-in answering DescribeAlarms from seeded alarms whose state can change at chosen moments. */
export class CloudWatchStandIn extends AwsJsonStandIn {
  private readonly alarms = new Map<string, CloudWatchAlarmRecord>();
  private readonly account: string;

  /** @param options region, account and keys. */
  constructor(options: CloudWatchStandInOptions = {}) {
    super({
      ...options,
      targetPrefix: 'GraniteServiceVersion20100801',
      signingName: 'monitoring',
      jsonVersion: '1.0',
    });
    this.account = options.account ?? '123456789012';
    this.on('DescribeAlarms', (input, context) => this.describeAlarms(input, context));
  }

  /** Adds a metric alarm. */
  addMetricAlarm(seed: AlarmSeed): CloudWatchAlarmRecord {
    return this.add('MetricAlarm', seed, {
      metric: seed.metric ?? {
        namespace: 'AWS/ApplicationELB',
        name: 'HTTPCode_Target_5XX_Count',
        threshold: 10,
      },
    });
  }

  /** Adds a composite alarm with its rule, e.g. `ALARM("web-5xx") OR ALARM("web-latency")`. */
  addCompositeAlarm(seed: AlarmSeed & { rule: string }): CloudWatchAlarmRecord {
    return this.add('CompositeAlarm', seed, { rule: seed.rule });
  }

  /**
   * Sets an alarm's state from a moment on (default: now). A moment in the future takes effect when the stand-in
   * clock reaches it, so a test can make a candidate "go bad" halfway through a rollout.
   */
  setAlarmState(name: string, state: AlarmState, reason?: string, at: number | Date = this.now()): void {
    const alarm = this.alarms.get(name);
    if (alarm === undefined) throw new Error(`no alarm ${name}`);
    const when = typeof at === 'number' ? at : at.getTime();
    alarm.timeline.push({ at: when, state, reason: reason ?? defaultReason(state) });
    alarm.timeline.sort((a, b) => a.at - b.at);
  }

  /** The alarm's state at a moment (default now). */
  stateOf(name: string, at = this.now()): AlarmStateChange | undefined {
    const alarm = this.alarms.get(name);
    return alarm === undefined ? undefined : current(alarm, at);
  }

  /** Adds `x-amzn-query-error`, as an awsQueryCompatible service does. */
  protected override errorResponse(
    type: string,
    message: string,
    status: number,
    requestId?: ReturnType<typeof randomUUID>,
  ): StandInResponse {
    const response = super.errorResponse(type, message, status, requestId);
    const code = QUERY_CODES[type] ?? type.replace(/Exception$/, '');
    response.headers = {
      ...response.headers,
      'x-amzn-query-error': `${code};${status >= 500 ? 'Receiver' : 'Sender'}`,
    };
    return response;
  }

  private add(
    type: CloudWatchAlarmRecord['type'],
    seed: AlarmSeed,
    extra: Partial<CloudWatchAlarmRecord>,
  ): CloudWatchAlarmRecord {
    if (this.alarms.has(seed.name)) throw new Error(`alarm ${seed.name} already exists`);
    const state = seed.state ?? 'OK';
    const since =
      seed.since === undefined
        ? this.now()
        : typeof seed.since === 'number'
          ? seed.since
          : seed.since.getTime();
    const record: CloudWatchAlarmRecord = {
      type,
      name: seed.name,
      arn: `arn:aws:cloudwatch:${this.region}:${this.account}:alarm:${seed.name}`,
      ...(seed.description === undefined ? {} : { description: seed.description }),
      ...extra,
      timeline: [{ at: since, state, reason: seed.reason ?? defaultReason(state) }],
    };
    this.alarms.set(seed.name, record);
    return record;
  }

  private describeAlarms(input: Record<string, unknown>, context: AwsContext): Record<string, unknown> {
    const names = input.AlarmNames;
    const prefix = input.AlarmNamePrefix;
    if (names !== undefined && prefix !== undefined) {
      throw new AwsError(
        'InvalidParameterCombinationException',
        'AlarmNames and AlarmNamePrefix cannot be specified together.',
      );
    }
    if (Array.isArray(names) && names.length > 100) {
      throw new AwsError(
        'InvalidParameterValueException',
        `1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100`,
      );
    }
    const max = input.MaxRecords === undefined ? 50 : Number(input.MaxRecords);
    if (!Number.isInteger(max) || max < 1 || max > 100) {
      throw new AwsError(
        'InvalidParameterValueException',
        `1 validation error detected: Value '${String(input.MaxRecords)}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100`,
      );
    }
    const types = Array.isArray(input.AlarmTypes) ? (input.AlarmTypes as string[]) : ['MetricAlarm'];
    const stateFilter = input.StateValue as string | undefined;
    if (stateFilter !== undefined && !STATES.includes(stateFilter as AlarmState)) {
      throw new AwsError('InvalidParameterValueException', `Invalid StateValue: ${stateFilter}`);
    }
    const now = context.now.getTime();
    const matching = [...this.alarms.values()]
      .filter((a) => types.includes(a.type))
      .filter((a) => !Array.isArray(names) || names.includes(a.name))
      .filter((a) => typeof prefix !== 'string' || a.name.startsWith(prefix))
      .filter((a) => stateFilter === undefined || current(a, now)?.state === stateFilter)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    let start = 0;
    if (input.NextToken !== undefined) {
      const decoded = Number(
        Buffer.from(String(input.NextToken), 'base64url')
          .toString('utf8')
          .replace(/^page:/, ''),
      );
      if (!Number.isInteger(decoded) || decoded < 0 || decoded > matching.length) {
        throw new AwsError('InvalidNextToken', 'The service returned an error: Invalid NextToken.');
      }
      start = decoded;
    }
    const page = matching.slice(start, start + max);
    const end = start + page.length;
    return {
      MetricAlarms: page.filter((a) => a.type === 'MetricAlarm').map((a) => this.metricOut(a, now)),
      CompositeAlarms: page.filter((a) => a.type === 'CompositeAlarm').map((a) => this.compositeOut(a, now)),
      ...(end < matching.length ? { NextToken: Buffer.from(`page:${end}`).toString('base64url') } : {}),
    };
  }

  private common(alarm: CloudWatchAlarmRecord, now: number): Record<string, unknown> {
    const state = current(alarm, now) ?? {
      at: now,
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
    };
    const first = alarm.timeline[0]?.at ?? now;
    return {
      AlarmName: alarm.name,
      AlarmArn: alarm.arn,
      ...(alarm.description === undefined ? {} : { AlarmDescription: alarm.description }),
      AlarmConfigurationUpdatedTimestamp: first / 1000,
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [],
      InsufficientDataActions: [],
      StateValue: state.state,
      StateReason: state.reason,
      StateUpdatedTimestamp: state.at / 1000,
      StateTransitionedTimestamp: state.at / 1000,
    };
  }

  private metricOut(alarm: CloudWatchAlarmRecord, now: number): Record<string, unknown> {
    const m = alarm.metric;
    return {
      ...this.common(alarm, now),
      MetricName: m?.name,
      Namespace: m?.namespace,
      Statistic: m?.statistic ?? 'Sum',
      Dimensions: m?.dimensions ?? [],
      Period: m?.period ?? 60,
      EvaluationPeriods: m?.evaluationPeriods ?? 1,
      Threshold: m?.threshold ?? 0,
      ComparisonOperator: m?.comparison ?? 'GreaterThanThreshold',
      TreatMissingData: 'missing',
    };
  }

  private compositeOut(alarm: CloudWatchAlarmRecord, now: number): Record<string, unknown> {
    return { ...this.common(alarm, now), AlarmRule: alarm.rule };
  }
}

/** Query codes of JSON error types where the name differs beyond the `Exception` suffix. */
const QUERY_CODES: Record<string, string> = {
  ThrottlingException: 'Throttling',
  InternalFailure: 'InternalServiceError',
};

function current(alarm: CloudWatchAlarmRecord, at: number): AlarmStateChange | undefined {
  let found: AlarmStateChange | undefined;
  for (const change of alarm.timeline) if (change.at <= at) found = change;
  return found;
}

function defaultReason(state: AlarmState): string {
  if (state === 'OK')
    return 'Threshold Crossed: 1 datapoint [0.0] was not greater than the threshold (10.0).';
  if (state === 'ALARM')
    return 'Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (10.0).';
  return 'Insufficient Data: 1 datapoint was unknown.';
}
