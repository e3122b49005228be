/**
 * The traffic router of an Application Load Balancer: the weights of the target groups in the forward action of a
 * listener rule (or of a listener's default actions). ALB weights are relative (0–999 each); Slipway reads them as
 * percentages and writes percentages, which ALB takes as they are, both target groups in one ModifyRule or
 * ModifyListener. Everything else about the actions (their order, stickiness, authenticate actions before the
 * forward) is written back as it was read.
 */
import type { Action, TargetGroupTuple } from '@aws-sdk/client-elastic-load-balancing-v2';
import { TrafficTargetError, assertWeights } from '@slipway/core';
import type { RouteState, TrafficRouter, Weights } from '@slipway/core';
import type { ElbApi } from './api.js';

/** What {@link createAlbRouter} routes: one listener or one rule, and the candidate (and stable) target groups. */
export interface AlbRouterOptions {
  /** The listener whose default actions forward the traffic (input `listener-arn`). Exclusive with `ruleArn`. */
  listenerArn?: string | undefined;
  /** The rule whose actions forward the traffic (input `rule-arn`); a listener's default rule works too. */
  ruleArn?: string | undefined;
  /** The candidate target group, by ARN or name (input `candidate`). */
  candidate: string;
  /** The stable target group, by ARN or name (input `stable`); by default the other one in the forward action. */
  stable?: string | undefined;
  /** A test listener whose default action {@link TrafficRouter.preview} points at the candidate alone. */
  testListenerArn?: string | undefined;
}

/** A route read from ELB: where to write and the actions as they are now. */
interface Located {
  /** The ARN to write to: a rule's, or the listener's for its default actions. */
  writeArn: string;
  kind: 'listener' | 'rule';
  /** The input that named the route. */
  input: 'listener-arn' | 'rule-arn';
  label: string;
  actions: Action[];
}

/** The forward action of a route and what it does with the candidate and stable target groups. */
interface Analysed {
  forwardIndex: number;
  stable: string | undefined;
  weights: Weights;
}

const RULE_ARN = /^(arn:[^:]+:elasticloadbalancing:[^:]*:\d*:)listener-rule\/(.+)\/[^/]+$/;

/**
 * A {@link TrafficRouter} over an ALB listener or rule (platform `ecs`, any whole percentage). Reads throw
 * {@link TrafficTargetError} naming the input (`listener-arn`, `rule-arn`, `candidate`, `stable`,
 * `test-listener-arn`) when the route or a target group does not exist, when the route forwards to a third target
 * group, or when it does not forward at all.
 */
export function createAlbRouter(api: ElbApi, options: AlbRouterOptions): TrafficRouter {
  const resolved = new Map<string, string>();

  /** The ARN of a target group named by ARN or name, checked to exist (looked up once). */
  async function resolve(reference: string, input: 'candidate' | 'stable'): Promise<string> {
    const known = resolved.get(reference);
    if (known !== undefined) return known;
    const group = await lookup(input, () => api.describeTargetGroup(reference));
    if (group?.TargetGroupArn === undefined) {
      throw new TrafficTargetError(input, `target group ${reference} does not exist`);
    }
    resolved.set(reference, group.TargetGroupArn);
    return group.TargetGroupArn;
  }

  async function locate(): Promise<Located> {
    const { listenerArn, ruleArn } = options;
    if (listenerArn !== undefined && ruleArn !== undefined) {
      throw new TrafficTargetError('listener-arn', 'give either listener-arn or rule-arn, not both');
    }
    if (ruleArn !== undefined) {
      const rule = await lookup('rule-arn', () => api.describeRule(ruleArn));
      if (rule === undefined) throw new TrafficTargetError('rule-arn', `rule ${ruleArn} does not exist`);
      const listener = listenerOfRule(ruleArn);
      // The default rule is the listener's default actions: ELB changes them only through ModifyListener.
      if (rule.IsDefault === true && listener !== undefined) {
        return {
          writeArn: listener,
          kind: 'listener',
          input: 'rule-arn',
          label: `listener ${shortArn(listener)} default rule`,
          actions: rule.Actions ?? [],
        };
      }
      return {
        writeArn: ruleArn,
        kind: 'rule',
        input: 'rule-arn',
        label:
          `${listener === undefined ? `rule ${ruleArn}` : `listener ${shortArn(listener)} rule`} ${rule.Priority ?? ''}`.trim(),
        actions: rule.Actions ?? [],
      };
    }
    if (listenerArn !== undefined) {
      const listener = await lookup('listener-arn', () => api.describeListener(listenerArn));
      if (listener === undefined) {
        throw new TrafficTargetError('listener-arn', `listener ${listenerArn} does not exist`);
      }
      return {
        writeArn: listenerArn,
        kind: 'listener',
        input: 'listener-arn',
        label: `listener ${shortArn(listenerArn)} default action`,
        actions: listener.DefaultActions ?? [],
      };
    }
    throw new TrafficTargetError('listener-arn', 'one of listener-arn or rule-arn is required');
  }

  function analyse(route: Located, candidate: string, namedStable: string | undefined): Analysed {
    const forwardIndex = route.actions.findIndex((action) => action.Type === 'forward');
    const forward = route.actions[forwardIndex];
    if (forward === undefined) {
      const types = route.actions.map((action) => action.Type ?? 'unknown').join(', ');
      throw new TrafficTargetError(
        route.input,
        `${route.label} does not forward to target groups (its actions: ${types || 'none'}); traffic can be split only on a forward action`,
      );
    }
    const groups = forwardGroups(forward);
    const weightOf = (arn: string): number => {
      const group = groups.find((g) => g.TargetGroupArn === arn);
      return group === undefined ? 0 : (group.Weight ?? 1);
    };
    const others = groups.filter((g) => g.TargetGroupArn !== candidate && g.TargetGroupArn !== namedStable);
    const weighted = others.filter((g) => (g.Weight ?? 1) > 0);
    let stable = namedStable;
    if (namedStable !== undefined && weighted.length > 0) {
      throw new TrafficTargetError(
        'stable',
        `${route.label} also forwards to ${names(weighted)}, neither the candidate nor the stable target group; traffic-split moves traffic between two target groups only`,
      );
    }
    if (namedStable === undefined) {
      if (weighted.length > 1) {
        throw new TrafficTargetError(
          'stable',
          `${route.label} forwards to ${names(weighted)} besides the candidate; traffic-split moves traffic between two target groups only`,
        );
      }
      // A target group left at weight 0 after a full cut-over still counts as the stable one to return to.
      stable = weighted[0]?.TargetGroupArn ?? (others.length === 1 ? others[0]?.TargetGroupArn : undefined);
    }
    const candidateWeight = weightOf(candidate);
    const stableWeight = stable === undefined ? 0 : weightOf(stable);
    const total = candidateWeight + stableWeight;
    if (total === 0) {
      throw new TrafficTargetError(
        candidateWeight === 0 && !groups.some((g) => g.TargetGroupArn === candidate)
          ? 'candidate'
          : route.input,
        `${route.label} gives neither the candidate nor a stable target group any weight`,
      );
    }
    const candidatePercent = Math.round((candidateWeight * 100) / total);
    return { forwardIndex, stable, weights: { stable: 100 - candidatePercent, candidate: candidatePercent } };
  }

  async function targets(): Promise<{ candidate: string; stable: string | undefined }> {
    const candidate = await resolve(options.candidate, 'candidate');
    const stable = options.stable === undefined ? undefined : await resolve(options.stable, 'stable');
    if (stable === candidate) {
      throw new TrafficTargetError(
        'stable',
        `the stable and candidate target groups are the same (${stable})`,
      );
    }
    return { candidate, stable };
  }

  return {
    platform: 'ecs',
    granularity: 'percent',

    async read(): Promise<RouteState> {
      const route = await locate();
      const { candidate, stable } = await targets();
      const analysed = analyse(route, candidate, stable);
      return { stable: analysed.stable, candidate, weights: analysed.weights, route: route.label };
    },

    async write(weights: Weights, state: RouteState): Promise<void> {
      assertWeights(weights);
      // Read again just before writing, so that whatever else changed on the actions meanwhile is kept.
      const route = await locate();
      const { candidate, stable: namedStable } = await targets();
      const analysed = analyse(route, candidate, namedStable);
      const stable = analysed.stable ?? state.stable;
      if (stable === undefined && weights.candidate !== 100) {
        throw new TrafficTargetError(
          'stable',
          `${route.label} has no stable target group to send ${weights.stable}% to; name it with stable`,
        );
      }
      const groups: TargetGroupTuple[] =
        stable === undefined
          ? [{ TargetGroupArn: candidate, Weight: weights.candidate }]
          : [
              { TargetGroupArn: stable, Weight: weights.stable },
              { TargetGroupArn: candidate, Weight: weights.candidate },
            ];
      const actions = rewrite(route.actions, analysed.forwardIndex, groups);
      await write(route, actions, candidate);
    },

    async preview(): Promise<string | undefined> {
      const testListenerArn = options.testListenerArn;
      if (testListenerArn === undefined) return undefined;
      const { candidate } = await targets();
      const listener = await lookup('test-listener-arn', () => api.describeListener(testListenerArn));
      if (listener === undefined) {
        throw new TrafficTargetError('test-listener-arn', `listener ${testListenerArn} does not exist`);
      }
      const current = listener.DefaultActions ?? [];
      // Point the forward at the candidate alone; a test listener that answers a fixed response or a redirect
      // until something is deployed gets a forward in that place.
      let index = current.findIndex((action) => action.Type === 'forward');
      if (index < 0)
        index = current.findIndex((action) => action.Type === 'fixed-response' || action.Type === 'redirect');
      const actions =
        index < 0
          ? [
              {
                Type: 'forward' as const,
                ForwardConfig: { TargetGroups: [{ TargetGroupArn: candidate, Weight: 1 }] },
              },
            ]
          : rewrite(current, index, [{ TargetGroupArn: candidate, Weight: 1 }]);
      await write(
        {
          writeArn: testListenerArn,
          kind: 'listener',
          input: 'listener-arn',
          label: `test listener ${shortArn(testListenerArn)}`,
          actions: current,
        },
        actions,
        candidate,
      );
      return undefined;
    },

    close(): Promise<void> {
      api.close();
      return Promise.resolve();
    },
  };

  async function write(route: Located, actions: Action[], candidate: string): Promise<void> {
    try {
      if (route.kind === 'rule') await api.modifyRule(route.writeArn, actions);
      else await api.modifyListener(route.writeArn, actions);
    } catch (error) {
      // A target group already used by another load balancer cannot be added to this one.
      const e = error as { name?: unknown; message?: unknown };
      if (e.name === 'TargetGroupAssociationLimitException') {
        const message =
          typeof e.message === 'string' ? e.message : 'target group used by another load balancer';
        throw new TrafficTargetError(message.includes(candidate) ? 'candidate' : 'stable', message);
      }
      throw error;
    }
  }
}

/**
 * The actions with the forward at `index` sending traffic to `groups`, every other field and action kept. ELB
 * never returns an OIDC client secret, so authenticate-oidc actions are written back with
 * `UseExistingClientSecret` instead.
 */
function rewrite(actions: Action[], index: number, groups: TargetGroupTuple[]): Action[] {
  return actions.map((action, i) => {
    if (i === index) {
      // TargetGroupArn would contradict a forward config of two target groups: the config alone says it all.
      const { TargetGroupArn: _single, ForwardConfig, ...rest } = action;
      const replaced: Action = {
        ...rest,
        Type: 'forward',
        ForwardConfig: { ...ForwardConfig, TargetGroups: groups },
      };
      if (action.Type !== 'forward') {
        delete replaced.FixedResponseConfig;
        delete replaced.RedirectConfig;
      }
      return replaced;
    }
    if (action.Type === 'authenticate-oidc' && action.AuthenticateOidcConfig !== undefined) {
      const { ClientSecret: _secret, ...config } = action.AuthenticateOidcConfig;
      return { ...action, AuthenticateOidcConfig: { ...config, UseExistingClientSecret: true } };
    }
    return action;
  });
}

function forwardGroups(forward: Action): TargetGroupTuple[] {
  const groups = forward.ForwardConfig?.TargetGroups ?? [];
  if (groups.length > 0) return groups;
  return forward.TargetGroupArn === undefined ? [] : [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }];
}

/** ELB's ValidationError (a malformed ARN or name) and a missing answer become errors naming the input. */
async function lookup<T>(input: string, describe: () => Promise<T>): Promise<T> {
  try {
    return await describe();
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown };
    if (e.name === 'ValidationError') {
      throw new TrafficTargetError(input, `Elastic Load Balancing refused ${input}: ${String(e.message)}`);
    }
    throw error;
  }
}

/** The listener ARN of a rule ARN (`…:listener-rule/app/web/lb/listener/rule` → `…:listener/app/web/lb/listener`). */
function listenerOfRule(ruleArn: string): string | undefined {
  const match = RULE_ARN.exec(ruleArn);
  return match === null ? undefined : `${match[1]}listener/${match[2]}`;
}

/** `app/web/50dc6c495c0c9188/f2f7dc8efc522ab2` from a listener ARN, for the log. */
function shortArn(arn: string): string {
  return arn.replace(/^arn:[^:]+:elasticloadbalancing:[^:]*:\d*:listener\//, '');
}

function names(groups: TargetGroupTuple[]): string {
  return groups.map((g) => `${g.TargetGroupArn ?? '?'} (weight ${g.Weight ?? 1})`).join(' and ');
}
