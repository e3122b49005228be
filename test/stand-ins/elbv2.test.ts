// The real @aws-sdk/client-elastic-load-balancing-v2 over HTTP against the ELBv2 stand-in: the Query protocol
// (form in, XML out), SigV4, AWS's errors and validation, and the journal of weight changes.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';
import { TEST_CREDENTIALS } from './aws-json.js';
import { ELBV2_NAMESPACE, Elbv2StandIn, decodeQuery } from './elbv2.js';
import type { AwsCredential } from './sigv4.js';

const REGION = 'eu-west-1';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed XML is walked by name in assertions
type XmlTree = Record<string, any>;
let elb: Elbv2StandIn;
let sdk: ElasticLoadBalancingV2Client;
let lb: string;
let blue: string;
let green: string;
let other: string;
let http: string;
let rule: string;

beforeEach(async () => {
  elb = new Elbv2StandIn({ region: REGION });
  await elb.start();
  sdk = client();
  lb = elb.addLoadBalancer({ name: 'web' });
  blue = elb.addTargetGroup({ name: 'web-blue', targets: [{ Id: '10.0.0.1', Port: 8080 }] });
  green = elb.addTargetGroup({ name: 'web-green' });
  other = elb.addTargetGroup({ name: 'web-other' });
  http = elb.addListener({
    loadBalancerArn: lb,
    port: 80,
    defaultActions: [{ Type: 'forward', TargetGroupArn: blue }],
  });
  rule = elb.addRule({
    listenerArn: http,
    priority: 10,
    conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
    actions: [
      {
        Type: 'forward',
        Order: 1,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blue, Weight: 90 },
            { TargetGroupArn: green, Weight: 10 },
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
        },
      },
    ],
  });
});
afterEach(async () => {
  sdk.destroy();
  await elb.stop();
});

function client(credentials: AwsCredential = TEST_CREDENTIALS): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({
    endpoint: elb.url,
    region: REGION,
    credentials: { ...credentials },
    maxAttempts: 1,
  });
}

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; status: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected a rejection');
}

function forward(weights: [string, number][], extra: Partial<Action> = {}): Action {
  return {
    Type: 'forward',
    ForwardConfig: { TargetGroups: weights.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })) },
    ...extra,
  };
}

describe('the Query protocol', () => {
  it('decodes members, nested members, maps and empty lists', () => {
    const params = new URLSearchParams(
      'Action=ModifyRule&Version=2015-12-01&RuleArn=r&Actions.member.2.Type=forward&Actions.member.1.Type=authenticate-oidc' +
        '&Actions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.key=prompt' +
        '&Actions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.value=login' +
        '&Actions.member.2.ForwardConfig.TargetGroups.member.1.Weight=7&Conditions=',
    );
    expect(decodeQuery(params)).toEqual({
      RuleArn: 'r',
      Actions: [
        {
          Type: 'authenticate-oidc',
          AuthenticateOidcConfig: { AuthenticationRequestExtraParams: { prompt: 'login' } },
        },
        { Type: 'forward', ForwardConfig: { TargetGroups: [{ Weight: '7' }] } },
      ],
      Conditions: '',
    });
  });

  it('answers XML in the ELBv2 namespace and records the form-encoded request', async () => {
    const out = await sdk.send(new DescribeListenersCommand({ LoadBalancerArn: lb }));
    expect(out.Listeners).toEqual([
      {
        ListenerArn: http,
        LoadBalancerArn: lb,
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [
          {
            Type: 'forward',
            TargetGroupArn: blue,
            ForwardConfig: {
              TargetGroups: [{ TargetGroupArn: blue, Weight: 1 }],
              TargetGroupStickinessConfig: { Enabled: false },
            },
          },
        ],
      },
    ]);
    const entry = elb.calls('DescribeListeners')[0];
    expect(entry?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(String(entry?.body)).toContain(`LoadBalancerArn=${encodeURIComponent(lb)}`);
    expect(String(entry?.headers['authorization'])).toContain(`/${REGION}/elasticloadbalancing/aws4_request`);
  });

  it('answers raw requests with the documented XML shapes', async () => {
    const body = `Action=DescribeRules&Version=2015-12-01&RuleArns.member.1=${encodeURIComponent(rule)}`;
    const ok = await fetch(elb.url, { method: 'POST', headers: await sign(body), body });
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(await ok.text()) as XmlTree;
    expect(parsed.DescribeRulesResponse['@_xmlns']).toBe(ELBV2_NAMESPACE);
    expect(parsed.DescribeRulesResponse.DescribeRulesResult.Rules.member.Priority).toBe(10);
    expect(parsed.DescribeRulesResponse.ResponseMetadata.RequestId).toMatch(/^[0-9a-f-]{36}$/);

    const bad = 'Action=DescribeRules&Version=2015-12-01&RuleArns.member.1=' + encodeURIComponent(`${rule}0`);
    const notFound = await fetch(elb.url, { method: 'POST', headers: await sign(bad), body: bad });
    expect(notFound.status).toBe(400);
    const error = new XMLParser().parse(await notFound.text()) as XmlTree;
    expect(error.ErrorResponse.Error).toEqual({
      Type: 'Sender',
      Code: 'RuleNotFound',
      Message: 'One or more rules not found',
    });
  });

  it('refuses an unknown action and version as InvalidAction', async () => {
    const body = 'Action=DeleteLoadBalancer&Version=2015-12-01';
    const res = await fetch(elb.url, { method: 'POST', headers: await sign(body), body });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>InvalidAction</Code>');
  });
});

async function sign(
  body: string,
  credential: AwsCredential = TEST_CREDENTIALS,
): Promise<Record<string, string>> {
  const url = new URL(elb.url);
  const signer = new SignatureV4({
    credentials: credential,
    region: REGION,
    service: 'elasticloadbalancing',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return signed.headers;
}

describe('signatures', () => {
  it('refuses an unknown key and a wrong secret in the Query protocol terms', async () => {
    const unknown = client({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' });
    const wrong = client({ ...TEST_CREDENTIALS, secretAccessKey: 'not-the-secret' });
    try {
      expect(
        await failure(unknown.send(new DescribeListenersCommand({ LoadBalancerArn: lb }))),
      ).toMatchObject({
        name: 'InvalidClientTokenId',
        status: 403,
      });
      expect(await failure(wrong.send(new DescribeListenersCommand({ LoadBalancerArn: lb })))).toMatchObject({
        name: 'SignatureDoesNotMatch',
        status: 403,
      });
    } finally {
      unknown.destroy();
      wrong.destroy();
    }
  });

  it('refuses a body changed after signing', async () => {
    const body = `Action=DescribeListeners&Version=2015-12-01&LoadBalancerArn=${encodeURIComponent(lb)}`;
    const headers = await sign(body);
    const res = await fetch(elb.url, { method: 'POST', headers, body: body.replace('Describe', 'Modify') });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});

describe('reading', () => {
  it('describes rules of a listener by priority with the default rule last, and by ARN', async () => {
    const all = await sdk.send(new DescribeRulesCommand({ ListenerArn: http }));
    expect(all.Rules?.map((r) => [r.Priority, r.IsDefault])).toEqual([
      ['10', false],
      ['default', true],
    ]);
    const one = await sdk.send(new DescribeRulesCommand({ RuleArns: [rule] }));
    expect(one.Rules?.[0]).toEqual({
      RuleArn: rule,
      Priority: '10',
      IsDefault: false,
      Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
      Actions: [
        {
          Type: 'forward',
          Order: 1,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: blue, Weight: 90 },
              { TargetGroupArn: green, Weight: 10 },
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
          },
        },
      ],
    });
    const byDefaultArn = await sdk.send(new DescribeRulesCommand({ RuleArns: [elb.defaultRuleArn(http)] }));
    expect(byDefaultArn.Rules?.[0]?.IsDefault).toBe(true);
  });

  it.each([
    [
      'a malformed listener ARN',
      () => new DescribeListenersCommand({ ListenerArns: ['web'] }),
      'ValidationError',
    ],
    [
      'a missing listener',
      () => new DescribeListenersCommand({ ListenerArns: [`${http}0`] }),
      'ListenerNotFoundException',
    ],
    [
      'a missing load balancer',
      () => new DescribeListenersCommand({ LoadBalancerArn: `${lb}0` }),
      'LoadBalancerNotFoundException',
    ],
    ['neither filter', () => new DescribeListenersCommand({}), 'ValidationError'],
    ['a missing rule', () => new DescribeRulesCommand({ RuleArns: [`${rule}0`] }), 'RuleNotFoundException'],
    [
      'a missing target group name',
      () => new DescribeTargetGroupsCommand({ Names: ['nope'] }),
      'TargetGroupNotFoundException',
    ],
    [
      'names with ARNs',
      () => new DescribeTargetGroupsCommand({ Names: ['web-blue'], TargetGroupArns: [blue] }),
      'ValidationError',
    ],
  ])('answers %s with %s', async (_what, command, name) => {
    expect(await failure(sdk.send(command() as DescribeListenersCommand))).toMatchObject({
      name,
      status: 400,
    });
  });

  it('describes target groups by name with the load balancers that use them, page by page', async () => {
    const out = await sdk.send(new DescribeTargetGroupsCommand({ Names: ['web-green', 'web-other'] }));
    expect(out.TargetGroups?.map((tg) => [tg.TargetGroupArn, tg.LoadBalancerArns])).toEqual([
      [green, [lb]],
      [other, []],
    ]);
    const first = await sdk.send(new DescribeTargetGroupsCommand({ PageSize: 2 }));
    expect(first.TargetGroups).toHaveLength(2);
    const second = await sdk.send(new DescribeTargetGroupsCommand({ PageSize: 2, Marker: first.NextMarker }));
    expect(second.TargetGroups?.map((tg) => tg.TargetGroupName)).toEqual(['web-other']);
    expect(second.NextMarker).toBeUndefined();
  });

  it('reports target health, and unused targets for a target group no listener uses', async () => {
    elb.setTargetHealth(blue, '10.0.0.1', 'unhealthy', 'Target.ResponseCodeMismatch');
    const out = await sdk.send(new DescribeTargetHealthCommand({ TargetGroupArn: blue }));
    expect(out.TargetHealthDescriptions).toEqual([
      {
        Target: { Id: '10.0.0.1', Port: 8080 },
        HealthCheckPort: '8080',
        TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch' },
      },
    ]);
    const lonely = elb.addTargetGroup({ name: 'lonely', targets: [{ Id: '10.0.0.9' }] });
    const unused = await sdk.send(new DescribeTargetHealthCommand({ TargetGroupArn: lonely }));
    expect(unused.TargetHealthDescriptions?.[0]?.TargetHealth?.State).toBe('unused');
  });
});

describe('changing weights', () => {
  it('modifies a rule and a listener, and journals the weights of every change', async () => {
    await sdk.send(
      new ModifyRuleCommand({
        RuleArn: rule,
        Actions: [
          forward([
            [blue, 50],
            [green, 50],
          ]),
        ],
      }),
    );
    const listener = await sdk.send(
      new ModifyListenerCommand({
        ListenerArn: http,
        DefaultActions: [
          forward([
            [blue, 0],
            [green, 100],
          ]),
        ],
      }),
    );
    expect(listener.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: blue, Weight: 0 },
      { TargetGroupArn: green, Weight: 100 },
    ]);
    expect(elb.weightChanges().map(({ arn, operation, weights }) => ({ arn, operation, weights }))).toEqual([
      { arn: rule, operation: 'ModifyRule', weights: { [blue]: 50, [green]: 50 } },
      { arn: http, operation: 'ModifyListener', weights: { [blue]: 0, [green]: 100 } },
    ]);
    expect(elb.forwardWeights(rule)).toEqual({ [blue]: 50, [green]: 50 });
    // The default rule follows the listener's default actions.
    const rules = await sdk.send(new DescribeRulesCommand({ ListenerArn: http }));
    expect(rules.Rules?.[1]?.Actions?.[0]?.ForwardConfig?.TargetGroups?.[1]).toEqual({
      TargetGroupArn: green,
      Weight: 100,
    });
  });

  it.each([
    ['a weight over 999', () => [forward([[blue, 1000]])], 'ValidationError', /less than or equal to 999/],
    ['a negative weight', () => [forward([[blue, -1]])], 'ValidationError', /greater than or equal to 0/],
    [
      'a target group twice',
      () => [
        forward([
          [blue, 1],
          [blue, 2],
        ]),
      ],
      'ValidationError',
      /more than once/,
    ],
    [
      'six target groups',
      () => [
        forward([
          [blue, 1],
          [green, 1],
          [other, 1],
          [blue, 1],
          [green, 1],
          [other, 1],
        ]),
      ],
      'ValidationError',
      /between 1 and 5/,
    ],
    [
      'an unknown target group',
      () => [forward([[`${blue}0`, 1]])],
      'TargetGroupNotFoundException',
      /not found/,
    ],
    [
      'a target group name',
      () => [forward([['web-blue', 1]])],
      'ValidationError',
      /not a valid target group ARN/,
    ],
    [
      'a TargetGroupArn beside two groups',
      () => [
        forward(
          [
            [blue, 1],
            [green, 1],
          ],
          { TargetGroupArn: blue },
        ),
      ],
      'ValidationError',
      /target group ARN/,
    ],
    [
      'an unknown type',
      () => [{ Type: 'teleport' } as unknown as Action],
      'ValidationError',
      /enum value set/,
    ],
    [
      'no terminal action',
      () => [
        {
          Type: 'authenticate-cognito',
          Order: 1,
          AuthenticateCognitoConfig: { UserPoolArn: 'a', UserPoolClientId: 'b', UserPoolDomain: 'c' },
        },
      ],
      'InvalidLoadBalancerActionException',
      /last action/,
    ],
    [
      'forward before another action',
      () => [
        forward([[blue, 1]], { Order: 1 }),
        { Type: 'fixed-response', Order: 2, FixedResponseConfig: { StatusCode: '503' } },
      ],
      'InvalidLoadBalancerActionException',
      /last action/,
    ],
  ])('refuses %s', async (_what, actions, name, message) => {
    const error = await failure(
      sdk.send(new ModifyRuleCommand({ RuleArn: rule, Actions: actions() as Action[] })),
    );
    expect(error).toMatchObject({ name, status: 400 });
    expect(error.message).toMatch(message);
    expect(elb.weightChanges()).toEqual([]);
  });

  it('refuses a target group used by another load balancer', async () => {
    const lb2 = elb.addLoadBalancer({ name: 'admin' });
    const taken = elb.addTargetGroup({ name: 'admin-tg' });
    elb.addListener({
      loadBalancerArn: lb2,
      port: 80,
      defaultActions: [{ Type: 'forward', TargetGroupArn: taken }],
    });
    expect(
      await failure(sdk.send(new ModifyRuleCommand({ RuleArn: rule, Actions: [forward([[taken, 1]])] }))),
    ).toMatchObject({ name: 'TargetGroupAssociationLimitException', status: 400 });
  });

  it('refuses ModifyRule on the default rule', async () => {
    expect(
      await failure(
        sdk.send(
          new ModifyRuleCommand({ RuleArn: elb.defaultRuleArn(http), Actions: [forward([[green, 1]])] }),
        ),
      ),
    ).toMatchObject({ name: 'OperationNotPermittedException', status: 400 });
  });

  it('keeps an OIDC client secret to itself and reuses it only when asked to', async () => {
    const oidc = {
      Issuer: 'https://idp.example.com',
      AuthorizationEndpoint: 'https://idp.example.com/auth',
      TokenEndpoint: 'https://idp.example.com/token',
      UserInfoEndpoint: 'https://idp.example.com/userinfo',
      ClientId: 'web',
      AuthenticationRequestExtraParams: { prompt: 'login' },
    };
    await sdk.send(
      new ModifyRuleCommand({
        RuleArn: rule,
        Actions: [
          {
            Type: 'authenticate-oidc',
            Order: 1,
            AuthenticateOidcConfig: { ...oidc, ClientSecret: 's3cret' },
          },
          forward([[blue, 1]], { Order: 2 }),
        ],
      }),
    );
    const described = await sdk.send(new DescribeRulesCommand({ RuleArns: [rule] }));
    const action = described.Rules?.[0]?.Actions?.[0];
    expect(action?.AuthenticateOidcConfig).toEqual(oidc);
    const again = [
      action as Action,
      forward(
        [
          [blue, 1],
          [green, 1],
        ],
        { Order: 2 },
      ),
    ];
    expect(await failure(sdk.send(new ModifyRuleCommand({ RuleArn: rule, Actions: again })))).toMatchObject({
      name: 'ValidationError',
    });
    again[0] = { ...action, AuthenticateOidcConfig: { ...oidc, UseExistingClientSecret: true } } as Action;
    await sdk.send(new ModifyRuleCommand({ RuleArn: rule, Actions: again }));
    expect(elb.forwardWeights(rule)).toEqual({ [blue]: 1, [green]: 1 });
  });

  it('throttles and fails as injected, in the Query error shape', async () => {
    elb.inject('ModifyRule', { kind: 'throttle', times: 1 });
    elb.inject('DescribeRules', { kind: 'http', status: 503, times: 1 });
    expect(
      await failure(sdk.send(new ModifyRuleCommand({ RuleArn: rule, Actions: [forward([[blue, 1]])] }))),
    ).toMatchObject({
      name: 'Throttling',
      status: 400,
      message: 'Rate exceeded',
    });
    expect(await failure(sdk.send(new DescribeRulesCommand({ RuleArns: [rule] })))).toMatchObject({
      status: 503,
    });
    expect(elb.journal.map((e) => [e.operation, e.status, e.fault])).toEqual([
      ['ModifyRule', 400, 'throttle'],
      ['DescribeRules', 503, 'http'],
    ]);
  });
});
