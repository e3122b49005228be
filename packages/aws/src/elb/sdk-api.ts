/**
 * {@link ElbApi} on `@aws-sdk/client-elastic-load-balancing-v2`. Loaded lazily by `loadElbApi`; import only the
 * commands used, so the bundle carries no more of the SDK than needed.
 */
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { retriedCalls, sdkClientConfig } from '../sdk-client.js';
import type { ElbApi, ElbApiOptions } from './api.js';

/** Target group ARNs are `arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>`. */
const TARGET_GROUP_ARN = /^arn:[^:]+:elasticloadbalancing:[^:]*:\d*:targetgroup\//;

/** Builds the SDK-backed {@link ElbApi}. */
export function createSdkElbApi(options: ElbApiOptions): ElbApi {
  const client = new ElasticLoadBalancingV2Client(sdkClientConfig(options));
  const call = retriedCalls(options);
  /** Undefined for ELB's "not found" answer to a lookup. */
  const unlessNotFound = async <T>(name: string, lookup: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await lookup();
    } catch (error) {
      if ((error as { name?: unknown }).name === name) return undefined;
      throw error;
    }
  };

  return {
    describeListener(listenerArn) {
      return unlessNotFound('ListenerNotFoundException', async () => {
        const out = await call('DescribeListeners', () =>
          client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] })),
        );
        return out.Listeners?.[0];
      });
    },
    describeRule(ruleArn) {
      return unlessNotFound('RuleNotFoundException', async () => {
        const out = await call('DescribeRules', () =>
          client.send(new DescribeRulesCommand({ RuleArns: [ruleArn] })),
        );
        return out.Rules?.[0];
      });
    },
    describeTargetGroup(arnOrName) {
      const query = TARGET_GROUP_ARN.test(arnOrName)
        ? { TargetGroupArns: [arnOrName] }
        : { Names: [arnOrName] };
      return unlessNotFound('TargetGroupNotFoundException', async () => {
        const out = await call('DescribeTargetGroups', () =>
          client.send(new DescribeTargetGroupsCommand(query)),
        );
        return out.TargetGroups?.[0];
      });
    },
    async modifyListener(listenerArn, defaultActions) {
      const out = await call('ModifyListener', () =>
        client.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: defaultActions })),
      );
      const listener = out.Listeners?.[0];
      if (listener === undefined) throw new Error('ModifyListener answered without a listener');
      return listener;
    },
    async modifyRule(ruleArn, actions) {
      const out = await call('ModifyRule', () =>
        client.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: actions })),
      );
      const rule = out.Rules?.[0];
      if (rule === undefined) throw new Error('ModifyRule answered without a rule');
      return rule;
    },
    close() {
      client.destroy();
    },
  };
}
