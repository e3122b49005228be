/**
 * The Elastic Load Balancing v2 calls the ALB traffic router makes, as one small interface. The implementation on
 * `@aws-sdk/client-elastic-load-balancing-v2` (`sdk-api.ts`) is loaded only when {@link loadElbApi} is awaited, so
 * that an action validates its inputs before the SDK is ever evaluated; tests drive the same implementation over
 * HTTP against a stand-in.
 */
import type { Action, Listener, Rule, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClientOptions } from '../sdk-client.js';

/**
 * The ELBv2 operations used by traffic-split, each retried on throttling, 5xx and dropped connections. Lookups
 * answer undefined for what does not exist; a malformed ARN or name is ELB's `ValidationError`, thrown as is.
 */
export interface ElbApi {
  /** One listener by ARN (DescribeListeners). */
  describeListener(listenerArn: string): Promise<Listener | undefined>;
  /** One rule by ARN, the default rule of a listener included (DescribeRules). */
  describeRule(ruleArn: string): Promise<Rule | undefined>;
  /** One target group by ARN or by name (DescribeTargetGroups). */
  describeTargetGroup(arnOrName: string): Promise<TargetGroup | undefined>;
  /** Replaces the default actions of a listener in one call (ModifyListener); answers the listener. */
  modifyListener(listenerArn: string, defaultActions: Action[]): Promise<Listener>;
  /** Replaces the actions of a rule in one call (ModifyRule); answers the rule. */
  modifyRule(ruleArn: string, actions: Action[]): Promise<Rule>;
  /** Releases the client's sockets. */
  close(): void;
}

/** How {@link loadElbApi} builds its client. */
export type ElbApiOptions = AwsClientOptions;

/**
 * Loads `@aws-sdk/client-elastic-load-balancing-v2` and returns an {@link ElbApi} on it. The client uses
 * `maxAttempts: 1`: Slipway's retry policy (core's `retry`) is the only one in effect. Endpoint, region and
 * credentials come from the standard AWS configuration (`AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2`,
 * `AWS_REGION`, `AWS_ACCESS_KEY_ID`, ...).
 */
export async function loadElbApi(options: ElbApiOptions = {}): Promise<ElbApi> {
  const { createSdkElbApi } = await import('./sdk-api.js');
  return createSdkElbApi(options);
}
