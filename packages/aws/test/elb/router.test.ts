// The ALB traffic router with the real @aws-sdk/client-elastic-load-balancing-v2 over HTTP against the ELBv2
// stand-in, configured through the environment as an action's client is.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TrafficTargetError } from '@slipway/core';
import type { TrafficRouter } from '@slipway/core';
import { createAlbRouter, loadElbApi } from '@slipway/aws/elb';
import type { AlbRouterOptions, ElbApi } from '@slipway/aws/elb';
import { Elbv2StandIn, TEST_CREDENTIALS } from '../../../../test/stand-ins/index.js';
import type { ElbAction } from '../../../../test/stand-ins/index.js';

const REGION = 'eu-west-1';
const ENV_NAMES = [
  'AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
];
const OIDC = {
  Issuer: 'https://idp.example.com',
  AuthorizationEndpoint: 'https://idp.example.com/auth',
  TokenEndpoint: 'https://idp.example.com/token',
  UserInfoEndpoint: 'https://idp.example.com/userinfo',
  ClientId: 'web',
};

let elb: Elbv2StandIn;
let api: ElbApi;
let retries: string[];
let lb: string;
let blue: string;
let green: string;
let third: string;
let listener: string;
let testListener: string;
let rule: string;
const saved = new Map<string, string | undefined>();

function forward(weights: Record<string, number>, extra: Partial<ElbAction> = {}): ElbAction {
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: Object.entries(weights).map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })),
    },
    ...extra,
  };
}

beforeEach(async () => {
  elb = new Elbv2StandIn({ region: REGION });
  await elb.start();
  for (const name of ENV_NAMES) saved.set(name, process.env[name]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elb.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  });
  delete process.env['AWS_SESSION_TOKEN'];
  retries = [];
  api = await loadElbApi({
    retry: { sleep: () => Promise.resolve() },
    onRetry: (operation, error) => retries.push(`${operation}: ${(error as Error).name}`),
  });
  lb = elb.addLoadBalancer({ name: 'web' });
  blue = elb.addTargetGroup({ name: 'web-blue' });
  green = elb.addTargetGroup({ name: 'web-green' });
  third = elb.addTargetGroup({ name: 'web-third' });
  listener = elb.addListener({
    loadBalancerArn: lb,
    port: 443,
    protocol: 'HTTPS',
    defaultActions: [forward({ [blue]: 1 })],
  });
  testListener = elb.addListener({
    loadBalancerArn: lb,
    port: 8443,
    protocol: 'HTTPS',
    defaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
  });
  rule = elb.addRule({
    listenerArn: listener,
    priority: 10,
    conditions: [{ Field: 'host-header', Values: ['api.example.com'] }],
    actions: [
      { Type: 'authenticate-oidc', Order: 1, AuthenticateOidcConfig: { ...OIDC, ClientSecret: 's3cret' } },
      {
        ...forward({ [blue]: 3, [green]: 1 }, { Order: 2 }),
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blue, Weight: 3 },
            { TargetGroupArn: green, Weight: 1 },
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
        },
      },
    ],
  });
});
afterEach(async () => {
  api.close();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await elb.stop();
});

function router(options: Partial<AlbRouterOptions>): TrafficRouter {
  return createAlbRouter(api, { candidate: 'web-green', ...options });
}

async function refusal(promise: Promise<unknown>): Promise<{ input: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TrafficTargetError) return { input: error.input, message: error.message };
    throw error;
  }
  throw new Error('expected a TrafficTargetError');
}

describe('on a rule', () => {
  it('reads relative weights as percentages, with target group names resolved to ARNs', async () => {
    const r = router({ ruleArn: rule });
    expect(r.platform).toBe('ecs');
    expect(r.granularity).toBe('percent');
    expect(await r.read()).toEqual({
      stable: blue,
      candidate: green,
      weights: { stable: 75, candidate: 25 },
      route: expect.stringMatching(/^listener app\/web\/[0-9a-f]+\/[0-9a-f]+ rule 10$/),
    });
  });

  it('writes both weights in one ModifyRule, keeping the authenticate action, its order and stickiness', async () => {
    const r = router({ ruleArn: rule, stable: blue });
    const state = await r.read();
    await r.write({ stable: 40, candidate: 60 }, state);
    const modifies = elb.journal.filter((e) => e.operation.startsWith('Modify'));
    expect(modifies.map((e) => e.operation)).toEqual(['ModifyRule']);
    expect(elb.weightChanges().map((c) => c.weights)).toEqual([{ [blue]: 40, [green]: 60 }]);
    const stored = elb.rule(rule);
    expect(stored?.Conditions).toEqual([{ Field: 'host-header', Values: ['api.example.com'] }]);
    expect(stored?.Actions).toEqual([
      { Type: 'authenticate-oidc', Order: 1, AuthenticateOidcConfig: OIDC },
      {
        Type: 'forward',
        Order: 2,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blue, Weight: 40 },
            { TargetGroupArn: green, Weight: 60 },
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
        },
      },
    ]);
    expect(await r.read()).toMatchObject({ weights: { stable: 40, candidate: 60 } });
  });

  it('walks a canary where every change sums to 100, ending with the stable kept at 0', async () => {
    const r = router({ ruleArn: rule });
    for (const candidate of [10, 50, 100]) {
      const state = await r.read();
      await r.write({ stable: 100 - candidate, candidate }, state);
    }
    const changes = elb.weightChanges();
    expect(changes.map((c) => c.weights)).toEqual([
      { [blue]: 90, [green]: 10 },
      { [blue]: 50, [green]: 50 },
      { [blue]: 0, [green]: 100 },
    ]);
    for (const change of changes) {
      expect(Object.values(change.weights).reduce((a, b) => a + b, 0)).toBe(100);
    }
    // After the cut-over the stable target group is still known, at weight 0, to roll back to.
    expect(await r.read()).toMatchObject({ stable: blue, weights: { stable: 0, candidate: 100 } });
  });

  it('retries throttling and server errors on reads and on the write', async () => {
    elb.inject('DescribeRules', { kind: 'throttle', times: 2 });
    elb.inject('ModifyRule', { kind: 'http', status: 503, times: 1 });
    const r = router({ ruleArn: rule });
    await r.write({ stable: 80, candidate: 20 }, await r.read());
    expect(retries).toEqual([
      'DescribeRules: Throttling',
      'DescribeRules: Throttling',
      expect.stringMatching(/^ModifyRule: /),
    ]);
    expect(elb.weightChanges().map((c) => c.weights)).toEqual([{ [blue]: 80, [green]: 20 }]);
  });

  it('writes the default rule through ModifyListener', async () => {
    const r = router({ ruleArn: elb.defaultRuleArn(listener) });
    const state = await r.read();
    expect(state).toMatchObject({ stable: blue, weights: { stable: 100, candidate: 0 } });
    await r.write({ stable: 90, candidate: 10 }, state);
    expect(elb.weightChanges()).toEqual([
      expect.objectContaining({
        operation: 'ModifyListener',
        arn: listener,
        weights: { [blue]: 90, [green]: 10 },
      }),
    ]);
  });
});

describe('on a listener default action', () => {
  it('reads a forward to one target group as 100/0 with the candidate not yet in it', async () => {
    const r = router({ listenerArn: listener, candidate: green });
    expect(await r.read()).toEqual({
      stable: blue,
      candidate: green,
      weights: { stable: 100, candidate: 0 },
      route: expect.stringMatching(/^listener app\/web\/.+ default action$/),
    });
  });

  it('writes both target groups in one ModifyListener, dropping the single TargetGroupArn', async () => {
    const r = router({ listenerArn: listener, stable: 'web-blue' });
    await r.write({ stable: 95, candidate: 5 }, await r.read());
    expect(elb.calls('ModifyListener')).toHaveLength(1);
    expect(String(elb.calls('ModifyListener')[0]?.body)).not.toMatch(
      /DefaultActions\.member\.1\.TargetGroupArn=/,
    );
    expect(elb.forwardWeights(listener)).toEqual({ [blue]: 95, [green]: 5 });
  });

  it('forwards to the candidate alone when no stable is known', async () => {
    elb.addRule({ listenerArn: listener, priority: 20, actions: [forward({ [green]: 1 })] });
    const only = elb.addRule({ listenerArn: listener, priority: 30, actions: [forward({ [green]: 5 })] });
    const r = router({ ruleArn: only });
    const state = await r.read();
    expect(state).toMatchObject({ stable: undefined, weights: { stable: 0, candidate: 100 } });
    await r.write({ stable: 0, candidate: 100 }, state);
    expect(elb.forwardWeights(only)).toEqual({ [green]: 100 });
    expect(await refusal(r.write({ stable: 50, candidate: 50 }, state))).toMatchObject({ input: 'stable' });
  });
});

describe('refusals', () => {
  it.each([
    ['neither listener nor rule', () => ({}), 'listener-arn', /one of listener-arn or rule-arn/],
    ['both listener and rule', () => ({ listenerArn: listener, ruleArn: rule }), 'listener-arn', /not both/],
    ['a missing listener', () => ({ listenerArn: `${listener}0` }), 'listener-arn', /does not exist/],
    ['a malformed listener ARN', () => ({ listenerArn: 'web' }), 'listener-arn', /not a valid listener ARN/],
    ['a missing rule', () => ({ ruleArn: `${rule}0` }), 'rule-arn', /does not exist/],
    [
      'a missing candidate',
      () => ({ ruleArn: rule, candidate: 'web-purple' }),
      'candidate',
      /web-purple does not exist/,
    ],
    ['a missing stable', () => ({ ruleArn: rule, stable: `${blue}0` }), 'stable', /does not exist/],
    ['the stable as candidate', () => ({ ruleArn: rule, stable: green }), 'stable', /same/],
  ])('refuses %s', async (_what, options, input, message) => {
    const refused = await refusal(router(options()).read());
    expect(refused.input).toBe(input);
    expect(refused.message).toMatch(message);
  });

  it('refuses a forward to a third target group, named or found', async () => {
    const three = elb.addRule({
      listenerArn: listener,
      priority: 40,
      actions: [forward({ [blue]: 50, [green]: 25, [third]: 25 })],
    });
    expect(await refusal(router({ ruleArn: three, stable: blue }).read())).toMatchObject({
      input: 'stable',
      message: expect.stringContaining(third),
    });
    expect(await refusal(router({ ruleArn: three }).read())).toMatchObject({ input: 'stable' });
    // A third target group at weight 0 carries no traffic: it is dropped by the next write.
    const idle = elb.addRule({
      listenerArn: listener,
      priority: 50,
      actions: [forward({ [blue]: 1, [green]: 0, [third]: 0 })],
    });
    const r = router({ ruleArn: idle, stable: blue });
    await r.write({ stable: 50, candidate: 50 }, await r.read());
    expect(elb.forwardWeights(idle)).toEqual({ [blue]: 50, [green]: 50 });
  });

  it('refuses a route that does not forward', async () => {
    expect(await refusal(router({ listenerArn: testListener }).read())).toMatchObject({
      input: 'listener-arn',
      message: expect.stringContaining('fixed-response'),
    });
  });

  it('names the candidate when ELB refuses a target group of another load balancer', async () => {
    const other = elb.addLoadBalancer({ name: 'admin' });
    const taken = elb.addTargetGroup({ name: 'admin-tg' });
    elb.addListener({ loadBalancerArn: other, port: 80, defaultActions: [forward({ [taken]: 1 })] });
    const r = router({ listenerArn: listener, candidate: taken, stable: blue });
    expect(await r.read()).toMatchObject({ weights: { stable: 100, candidate: 0 } });
    expect(await refusal(r.write({ stable: 90, candidate: 10 }, await r.read()))).toMatchObject({
      input: 'candidate',
    });
  });
});

describe('preview', () => {
  it('points the test listener at the candidate alone in one ModifyListener', async () => {
    const r = router({ listenerArn: listener, testListenerArn: testListener });
    expect(await r.preview?.(await r.read())).toBeUndefined();
    expect(elb.weightChanges()).toEqual([
      expect.objectContaining({ operation: 'ModifyListener', arn: testListener, weights: { [green]: 1 } }),
    ]);
    expect(elb.listener(testListener)?.DefaultActions).toEqual([
      {
        Type: 'forward',
        TargetGroupArn: green,
        ForwardConfig: {
          TargetGroups: [{ TargetGroupArn: green, Weight: 1 }],
          TargetGroupStickinessConfig: { Enabled: false },
        },
      },
    ]);
    // The production route is untouched.
    expect(elb.forwardWeights(listener)).toEqual({ [blue]: 1 });
  });

  it('does nothing without a test listener', async () => {
    const r = router({ listenerArn: listener });
    expect(await r.preview?.(await r.read())).toBeUndefined();
    expect(elb.calls('ModifyListener')).toHaveLength(0);
  });
});
