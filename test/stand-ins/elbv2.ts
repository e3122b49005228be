// Elastic Load Balancing v2 (Application Load Balancers) over the AWS Query protocol: enough of listeners, rules
// and target groups to move weighted traffic. Requests are `POST /` form-encoded (`Action=ModifyRule&Version=
// 2015-12-01&Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight=10`), answers are XML
// (`<ModifyRuleResponse xmlns=…><ModifyRuleResult>…</ModifyRuleResult><ResponseMetadata>…`), errors are
// `<ErrorResponse><Error><Type>Sender</Type><Code>RuleNotFound</Code>…` (the SDK maps the code to
// `RuleNotFoundException` through the model's awsQueryError trait). References:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/ (Action, ForwardActionConfig,
// TargetGroupTuple, ModifyRule, ModifyListener, DescribeRules, CommonErrors) and
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html for the wire format.
//
// Behaviour modelled on purpose, because code that moves traffic trips over it:
// - a forward to one target group is answered with both `TargetGroupArn` and a one-entry `ForwardConfig`
//   (weight 1, stickiness off); a forward to several has only `ForwardConfig`, and sending `TargetGroupArn` with a
//   several-entry `ForwardConfig` is a ValidationError;
// - weights are 0–999, at most 5 target groups, each once; an unknown target group is TargetGroupNotFound, one
//   already used by another load balancer is TargetGroupAssociationLimit;
// - the default rule of a listener is its default actions: ModifyRule refuses it (OperationNotPermitted);
// - `authenticate-oidc` never returns its client secret: rewriting such an action needs the secret again or
//   `UseExistingClientSecret=true`;
// - exactly one terminal action (forward, redirect, fixed-response), which must come last in `Order`.
import { randomUUID } from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';
import { StandIn } from './base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from './base.js';
import { TEST_CREDENTIALS } from './aws-json.js';
import { verifySigV4 } from './sigv4.js';
import type { AwsCredential } from './sigv4.js';

/** The XML namespace of every ELBv2 answer. */
export const ELBV2_NAMESPACE = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
/** The API version the SDK sends in `Version=`. */
export const ELBV2_VERSION = '2015-12-01';

/** A target group and its weight inside a forward action. */
export interface ElbTargetGroupTuple {
  TargetGroupArn: string;
  Weight?: number;
}

/** `ForwardConfig` of a forward action. */
export interface ElbForwardConfig {
  TargetGroups: ElbTargetGroupTuple[];
  TargetGroupStickinessConfig?: { Enabled: boolean; DurationSeconds?: number };
}

/**
 * A listener or rule action as the wire carries it. Configurations of other action types
 * (`AuthenticateOidcConfig`, `RedirectConfig`, `FixedResponseConfig`, ...) are kept as sent.
 */
export interface ElbAction {
  Type: string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: ElbForwardConfig;
  [config: string]: unknown;
}

/** A rule condition as the wire carries it, e.g. `{ Field: 'path-pattern', Values: ['/api/*'] }`. */
export type ElbCondition = Record<string, unknown>;

/** A load balancer the stand-in knows. */
export interface ElbLoadBalancerRecord {
  LoadBalancerArn: string;
  LoadBalancerName: string;
  Type: 'application';
  VpcId: string;
  DNSName: string;
}

/** A listener: its default actions are also its default rule. */
export interface ElbListenerRecord {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  Protocol: string;
  DefaultActions: ElbAction[];
}

/** A non-default rule of a listener. */
export interface ElbRuleRecord {
  RuleArn: string;
  ListenerArn: string;
  Priority: number;
  Conditions: ElbCondition[];
  Actions: ElbAction[];
}

/** A registered target and the health ELB reports for it. */
export interface ElbTargetRecord {
  Id: string;
  Port: number;
  State: 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unavailable';
  Reason?: string;
  Description?: string;
}

/** A target group. */
export interface ElbTargetGroupRecord {
  TargetGroupArn: string;
  TargetGroupName: string;
  Protocol: string;
  Port: number;
  VpcId: string;
  TargetType: 'instance' | 'ip' | 'lambda' | 'alb';
  targets: ElbTargetRecord[];
}

/** One accepted ModifyListener or ModifyRule, with the forward weights it left in place. */
export interface ElbWeightChange {
  /** The listener ARN (ModifyListener) or rule ARN (ModifyRule). */
  arn: string;
  operation: 'ModifyListener' | 'ModifyRule';
  /** Stand-in clock time of the change (epoch ms). */
  time: number;
  /** Weight by target group ARN of the forward action; empty when the actions forward nowhere. */
  weights: Record<string, number>;
  /** The actions as stored after the change. */
  actions: ElbAction[];
}

/** Options of the ELBv2 stand-in. */
export interface Elbv2StandInOptions extends StandInOptions {
  /** Region used in ARNs (default `us-east-1`); signatures scoped to any region are accepted. */
  region?: string;
  /** Account id used in ARNs (default `123456789012`). */
  account?: string;
  /** Accepted keys; {@link TEST_CREDENTIALS} by default. */
  credentials?: AwsCredential[];
}

const TERMINAL_TYPES = new Set(['forward', 'redirect', 'fixed-response']);
const ACTION_TYPES = ['forward', 'authenticate-oidc', 'authenticate-cognito', 'redirect', 'fixed-response'];
const OIDC_REQUIRED = ['Issuer', 'AuthorizationEndpoint', 'TokenEndpoint', 'UserInfoEndpoint', 'ClientId'];
/** Members of the model that are maps: they travel as `entry.N.key/value`, not `member.N`. */
const MAP_MEMBERS = new Set(['AuthenticationRequestExtraParams']);
const OPERATIONS = new Set([
  'DescribeListeners',
  'DescribeRules',
  'DescribeTargetGroups',
  'DescribeTargetHealth',
  'ModifyListener',
  'ModifyRule',
]);

/** An error the stand-in answers in the Query protocol's shape. */
export class ElbError extends Error {
  /**
   * @param code the error code (`ListenerNotFound`, `ValidationError`, ...)
   * @param status HTTP status; modelled errors are 400
   */
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: false,
});

/**
 * An Application Load Balancer control plane: load balancers, listeners, rules and target groups, seeded by
 * tests and changed by ModifyListener / ModifyRule over the wire. Every accepted change is kept in
 * {@link Elbv2StandIn.weightChanges}.
 */
export class Elbv2StandIn extends StandIn {
  /** Accepted keys by access key id. */
  readonly credentials = new Map<string, AwsCredential>();
  readonly region: string;
  readonly account: string;

  private readonly loadBalancers = new Map<string, ElbLoadBalancerRecord>();
  private readonly listeners = new Map<string, ElbListenerRecord>();
  private readonly rules = new Map<string, ElbRuleRecord>();
  private readonly targetGroups = new Map<string, ElbTargetGroupRecord>();
  /** OIDC client secrets by listener or rule ARN and client id: never answered, reused on request. */
  private readonly secrets = new Map<string, string>();
  private readonly changes: ElbWeightChange[] = [];
  private readonly refusals: Array<{
    operation: string;
    code: string;
    message: string;
    status: number;
    left: number;
  }> = [];
  private sequence = 0;

  /** @param options region, account and keys. */
  constructor(options: Elbv2StandInOptions = {}) {
    super(options);
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    for (const c of options.credentials ?? [TEST_CREDENTIALS]) this.credentials.set(c.accessKeyId, { ...c });
  }

  // ---- seeding -------------------------------------------------------------------------------------------

  /** Adds an Application Load Balancer and returns its ARN. */
  addLoadBalancer(seed: { name: string; vpcId?: string }): string {
    const id = this.nextId();
    const arn = `${this.arnPrefix()}loadbalancer/app/${seed.name}/${id}`;
    this.loadBalancers.set(arn, {
      LoadBalancerArn: arn,
      LoadBalancerName: seed.name,
      Type: 'application',
      VpcId: seed.vpcId ?? 'vpc-0slipway',
      DNSName: `${seed.name}-${id.slice(0, 10)}.${this.region}.elb.amazonaws.com`,
    });
    return arn;
  }

  /** Adds a target group (targets healthy unless said otherwise) and returns its ARN. */
  addTargetGroup(seed: {
    name: string;
    port?: number;
    protocol?: string;
    vpcId?: string;
    targetType?: ElbTargetGroupRecord['TargetType'];
    targets?: (Partial<ElbTargetRecord> & { Id: string })[];
  }): string {
    if ([...this.targetGroups.values()].some((tg) => tg.TargetGroupName === seed.name)) {
      throw new Error(`target group ${seed.name} already exists`);
    }
    const port = seed.port ?? 80;
    const arn = `${this.arnPrefix()}targetgroup/${seed.name}/${this.nextId()}`;
    this.targetGroups.set(arn, {
      TargetGroupArn: arn,
      TargetGroupName: seed.name,
      Protocol: seed.protocol ?? 'HTTP',
      Port: port,
      VpcId: seed.vpcId ?? 'vpc-0slipway',
      TargetType: seed.targetType ?? 'ip',
      targets: (seed.targets ?? []).map((t) => ({ Port: port, State: 'healthy', ...t })),
    });
    return arn;
  }

  /** Adds a listener with its default actions (validated as ModifyListener would) and returns its ARN. */
  addListener(seed: {
    loadBalancerArn: string;
    port: number;
    protocol?: string;
    defaultActions: ElbAction[];
  }): string {
    const lb = this.loadBalancers.get(seed.loadBalancerArn);
    if (lb === undefined) throw new Error(`no load balancer ${seed.loadBalancerArn}`);
    const arn = `${lb.LoadBalancerArn.replace(':loadbalancer/', ':listener/')}/${this.nextId()}`;
    const actions = this.checkActions(seed.defaultActions, lb.LoadBalancerArn, arn, 'DefaultActions');
    this.listeners.set(arn, {
      ListenerArn: arn,
      LoadBalancerArn: lb.LoadBalancerArn,
      Port: seed.port,
      Protocol: seed.protocol ?? 'HTTP',
      DefaultActions: actions,
    });
    return arn;
  }

  /** Adds a rule to a listener and returns its ARN. */
  addRule(seed: {
    listenerArn: string;
    priority: number;
    conditions?: ElbCondition[];
    actions: ElbAction[];
  }): string {
    const listener = this.listeners.get(seed.listenerArn);
    if (listener === undefined) throw new Error(`no listener ${seed.listenerArn}`);
    const arn = `${listener.ListenerArn.replace(':listener/', ':listener-rule/')}/${this.nextId()}`;
    const actions = this.checkActions(seed.actions, listener.LoadBalancerArn, arn, 'Actions');
    this.rules.set(arn, {
      RuleArn: arn,
      ListenerArn: listener.ListenerArn,
      Priority: seed.priority,
      Conditions: seed.conditions ?? [{ Field: 'path-pattern', Values: ['/*'] }],
      Actions: actions,
    });
    return arn;
  }

  /** Sets the health ELB reports for one registered target. */
  setTargetHealth(
    targetGroupArn: string,
    targetId: string,
    state: ElbTargetRecord['State'],
    reason?: string,
  ): void {
    const target = this.targetGroups.get(targetGroupArn)?.targets.find((t) => t.Id === targetId);
    if (target === undefined) throw new Error(`no target ${targetId} in ${targetGroupArn}`);
    target.State = state;
    if (reason === undefined) delete target.Reason;
    else target.Reason = reason;
  }

  /** The ARN of the default rule of a listener (the one DescribeRules lists with `IsDefault`). */
  defaultRuleArn(listenerArn: string): string {
    return `${listenerArn.replace(':listener/', ':listener-rule/')}/${listenerArn.split('/').pop() ?? ''}`;
  }

  // ---- reading state ---------------------------------------------------------------------------------------

  /** A listener's current record. */
  listener(arn: string): ElbListenerRecord | undefined {
    return this.listeners.get(arn);
  }

  /** A rule's current record. */
  rule(arn: string): ElbRuleRecord | undefined {
    return this.rules.get(arn);
  }

  /** A target group by ARN or name. */
  targetGroup(arnOrName: string): ElbTargetGroupRecord | undefined {
    return (
      this.targetGroups.get(arnOrName) ??
      [...this.targetGroups.values()].find((tg) => tg.TargetGroupName === arnOrName)
    );
  }

  /** Weight by target group ARN of the forward action of a listener (default action) or rule. */
  forwardWeights(listenerOrRuleArn: string): Record<string, number> {
    const actions =
      this.listeners.get(listenerOrRuleArn)?.DefaultActions ?? this.rules.get(listenerOrRuleArn)?.Actions;
    if (actions === undefined) throw new Error(`no listener or rule ${listenerOrRuleArn}`);
    return weightsOf(actions);
  }

  /**
   * The next `times` well-signed calls of `operation` are refused with an ELB error the SDK does not retry, e.g.
   * `AccessDenied` (403) when a policy was changed mid-release.
   */
  refuseNext(operation: string, code: string, message: string, status = 400, times = 1): void {
    this.refusals.push({ operation, code, message, status, left: times });
  }

  /** Every accepted ModifyListener and ModifyRule, in order, with the weights it left. */
  weightChanges(): ElbWeightChange[] {
    return this.changes.map((c) => ({ ...c, weights: { ...c.weights } }));
  }

  // ---- protocol --------------------------------------------------------------------------------------------

  protected identify(request: StandInRequest): string {
    const params = formParams(request);
    return params.get('Action') ?? 'unknown';
  }

  protected async handle(request: StandInRequest, operation: string): Promise<StandInResponse> {
    const requestId = randomUUID();
    const verdict = await verifySigV4(request, {
      credentials: this.credentials,
      service: 'elasticloadbalancing',
      now: this.now(),
      failureStatus: 403,
    });
    if (!verdict.ok) {
      // Query services name these without the JSON protocols' `Exception` suffix.
      const code =
        {
          MissingAuthenticationTokenException: 'MissingAuthenticationToken',
          IncompleteSignatureException: 'IncompleteSignature',
          UnrecognizedClientException: 'InvalidClientTokenId',
          InvalidSignatureException: 'SignatureDoesNotMatch',
        }[verdict.type] ?? verdict.type;
      return this.error(
        code,
        verdict.message,
        code === 'IncompleteSignature' ? 400 : verdict.status,
        requestId,
      );
    }
    const params = formParams(request);
    const version = params.get('Version');
    if (request.method !== 'POST' || version !== ELBV2_VERSION || !OPERATIONS.has(operation)) {
      return this.error(
        'InvalidAction',
        `Could not find operation ${operation} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
        400,
        requestId,
      );
    }
    const refusal = this.refusals.find((r) => r.operation === operation && r.left > 0);
    if (refusal !== undefined) {
      refusal.left -= 1;
      return this.error(refusal.code, refusal.message, refusal.status, requestId);
    }
    const input = decodeQuery(params);
    try {
      const result = this.run(operation, input);
      const body = builder.build({
        [`${operation}Response`]: {
          '@_xmlns': ELBV2_NAMESPACE,
          [`${operation}Result`]: xmlTree(result),
          ResponseMetadata: { RequestId: requestId },
        },
      }) as string;
      return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId }, body };
    } catch (error) {
      if (error instanceof ElbError) return this.error(error.code, error.message, error.status, requestId);
      throw error;
    }
  }

  protected throttleResponse(): StandInResponse {
    return this.error('Throttling', 'Rate exceeded', 400);
  }

  protected serverErrorResponse(
    _request: StandInRequest,
    _operation: string,
    status: number,
    message?: string,
  ): StandInResponse {
    if (status === 503) return this.error('ServiceUnavailable', message ?? 'Service Unavailable', 503);
    return this.error('InternalFailure', message ?? 'An internal error has occurred', status);
  }

  /** An ELBv2 error answer: `ErrorResponse` / `Error` with Type, Code and Message. */
  protected error(code: string, message: string, status: number, requestId = randomUUID()): StandInResponse {
    const body = builder.build({
      ErrorResponse: {
        '@_xmlns': ELBV2_NAMESPACE,
        Error: { Type: status >= 500 ? 'Receiver' : 'Sender', Code: code, Message: message },
        RequestId: requestId,
      },
    }) as string;
    return { status, headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId }, body };
  }

  private run(operation: string, input: Record<string, unknown>): Record<string, unknown> {
    switch (operation) {
      case 'DescribeListeners':
        return this.describeListeners(input);
      case 'DescribeRules':
        return this.describeRules(input);
      case 'DescribeTargetGroups':
        return this.describeTargetGroups(input);
      case 'DescribeTargetHealth':
        return this.describeTargetHealth(input);
      case 'ModifyListener':
        return this.modifyListener(input);
      default:
        return this.modifyRule(input);
    }
  }

  private describeListeners(input: Record<string, unknown>): Record<string, unknown> {
    const arns = stringList(input.ListenerArns);
    const lbArn = optionalString(input.LoadBalancerArn);
    if (arns.length > 0 === (lbArn !== undefined)) {
      throw new ElbError('ValidationError', 'You must specify either listener ARNs or a load balancer ARN');
    }
    let found: ElbListenerRecord[];
    if (lbArn !== undefined) {
      checkArn(lbArn, 'loadbalancer', 'load balancer');
      if (!this.loadBalancers.has(lbArn))
        throw new ElbError('LoadBalancerNotFound', 'One or more load balancers not found');
      found = [...this.listeners.values()].filter((l) => l.LoadBalancerArn === lbArn);
    } else {
      for (const arn of arns) checkArn(arn, 'listener', 'listener');
      found = arns.map((arn) => {
        const listener = this.listeners.get(arn);
        if (listener === undefined) throw new ElbError('ListenerNotFound', 'One or more listeners not found');
        return listener;
      });
    }
    const page = paginate(found, input);
    return { Listeners: page.items.map((l) => this.listenerOut(l)), NextMarker: page.next };
  }

  private describeRules(input: Record<string, unknown>): Record<string, unknown> {
    const arns = stringList(input.RuleArns);
    const listenerArn = optionalString(input.ListenerArn);
    if (arns.length > 0 === (listenerArn !== undefined)) {
      throw new ElbError('ValidationError', 'You must specify either listener ARN or rule ARNs');
    }
    let found: Record<string, unknown>[];
    if (listenerArn !== undefined) {
      checkArn(listenerArn, 'listener', 'listener');
      const listener = this.listeners.get(listenerArn);
      if (listener === undefined) throw new ElbError('ListenerNotFound', 'One or more listeners not found');
      found = [
        ...[...this.rules.values()]
          .filter((r) => r.ListenerArn === listenerArn)
          .sort((a, b) => a.Priority - b.Priority)
          .map((r) => this.ruleOut(r)),
        this.defaultRuleOut(listener),
      ];
    } else {
      for (const arn of arns) checkArn(arn, 'listener-rule', 'rule');
      found = arns.map((arn) => {
        const rule = this.rules.get(arn);
        if (rule !== undefined) return this.ruleOut(rule);
        const listener = this.listenerOfDefaultRule(arn);
        if (listener !== undefined) return this.defaultRuleOut(listener);
        throw new ElbError('RuleNotFound', 'One or more rules not found');
      });
    }
    const page = paginate(found, input);
    return { Rules: page.items, NextMarker: page.next };
  }

  private describeTargetGroups(input: Record<string, unknown>): Record<string, unknown> {
    const arns = stringList(input.TargetGroupArns);
    const names = stringList(input.Names);
    const lbArn = optionalString(input.LoadBalancerArn);
    if ([arns.length > 0, names.length > 0, lbArn !== undefined].filter(Boolean).length > 1) {
      throw new ElbError(
        'ValidationError',
        'Only one of the following can be specified: load balancer ARN, target group ARNs, target group names',
      );
    }
    let found: ElbTargetGroupRecord[];
    if (lbArn !== undefined) {
      checkArn(lbArn, 'loadbalancer', 'load balancer');
      if (!this.loadBalancers.has(lbArn))
        throw new ElbError('LoadBalancerNotFound', 'One or more load balancers not found');
      found = [...this.targetGroups.values()].filter((tg) => this.attachedTo(tg.TargetGroupArn).has(lbArn));
    } else if (arns.length > 0 || names.length > 0) {
      for (const arn of arns) checkArn(arn, 'targetgroup', 'target group');
      found = [...arns, ...names].map((ref) => {
        const tg = arns.includes(ref)
          ? this.targetGroups.get(ref)
          : [...this.targetGroups.values()].find((t) => t.TargetGroupName === ref);
        if (tg === undefined)
          throw new ElbError('TargetGroupNotFound', 'One or more target groups not found');
        return tg;
      });
    } else {
      found = [...this.targetGroups.values()];
    }
    const page = paginate(found, input);
    return { TargetGroups: page.items.map((tg) => this.targetGroupOut(tg)), NextMarker: page.next };
  }

  private describeTargetHealth(input: Record<string, unknown>): Record<string, unknown> {
    const arn = optionalString(input.TargetGroupArn);
    if (arn === undefined) throw new ElbError('ValidationError', 'A target group ARN must be specified');
    checkArn(arn, 'targetgroup', 'target group');
    const tg = this.targetGroups.get(arn);
    if (tg === undefined) throw new ElbError('TargetGroupNotFound', 'One or more target groups not found');
    const wanted = list(input.Targets).map((t) => optionalString((t as Record<string, unknown>).Id));
    const inUse = this.attachedTo(arn).size > 0;
    const targets = wanted.length === 0 ? tg.targets : tg.targets.filter((t) => wanted.includes(t.Id));
    return {
      TargetHealthDescriptions: targets.map((t) => ({
        Target: { Id: t.Id, Port: t.Port },
        HealthCheckPort: String(t.Port),
        // A target group that no listener uses reports its targets unused, whatever their health.
        TargetHealth: inUse
          ? { State: t.State, Reason: t.Reason, Description: t.Description }
          : {
              State: 'unused',
              Reason: 'Target.NotInUse',
              Description: 'Target group is not configured to receive traffic from the load balancer',
            },
      })),
    };
  }

  private modifyListener(input: Record<string, unknown>): Record<string, unknown> {
    const arn = optionalString(input.ListenerArn);
    if (arn === undefined) throw new ElbError('ValidationError', 'A listener ARN must be specified');
    checkArn(arn, 'listener', 'listener');
    const listener = this.listeners.get(arn);
    if (listener === undefined) throw new ElbError('ListenerNotFound', 'One or more listeners not found');
    if (input.DefaultActions !== undefined) {
      const actions = this.checkActions(
        list(input.DefaultActions).map(actionFromWire),
        listener.LoadBalancerArn,
        arn,
        'DefaultActions',
      );
      listener.DefaultActions = actions;
    }
    if (input.Port !== undefined) listener.Port = integer(input.Port, 'port', 1, 65535);
    if (input.Protocol !== undefined) listener.Protocol = String(input.Protocol);
    this.record(arn, 'ModifyListener', listener.DefaultActions);
    return { Listeners: [this.listenerOut(listener)] };
  }

  private modifyRule(input: Record<string, unknown>): Record<string, unknown> {
    const arn = optionalString(input.RuleArn);
    if (arn === undefined) throw new ElbError('ValidationError', 'A rule ARN must be specified');
    checkArn(arn, 'listener-rule', 'rule');
    const rule = this.rules.get(arn);
    if (rule === undefined) {
      if (this.listenerOfDefaultRule(arn) !== undefined) {
        throw new ElbError(
          'OperationNotPermitted',
          'Default rule cannot be modified; use ModifyListener to change the default actions',
        );
      }
      throw new ElbError('RuleNotFound', 'One or more rules not found');
    }
    const listener = this.listeners.get(rule.ListenerArn);
    if (listener === undefined) throw new ElbError('RuleNotFound', 'One or more rules not found');
    if (input.Actions !== undefined) {
      rule.Actions = this.checkActions(
        list(input.Actions).map(actionFromWire),
        listener.LoadBalancerArn,
        arn,
        'Actions',
      );
    }
    if (input.Conditions !== undefined) rule.Conditions = list(input.Conditions) as ElbCondition[];
    this.record(arn, 'ModifyRule', rule.Actions);
    return { Rules: [this.ruleOut(rule)] };
  }

  private record(arn: string, operation: ElbWeightChange['operation'], actions: ElbAction[]): void {
    this.changes.push({
      arn,
      operation,
      time: this.now(),
      weights: weightsOf(actions),
      actions: structuredClone(actions),
    });
  }

  /**
   * Validates actions as ELB does and returns them normalized (weights filled, single-group forwards with both
   * `TargetGroupArn` and `ForwardConfig`, OIDC secrets set aside).
   */
  private checkActions(actions: ElbAction[], lbArn: string, owner: string, member: string): ElbAction[] {
    const field = member === 'Actions' ? 'actions' : 'defaultActions';
    if (actions.length === 0) throw new ElbError('ValidationError', 'At least one action must be specified');
    const out = actions.map((raw, i) => {
      const action = structuredClone(raw);
      const at = `'${field}.${i + 1}.member`;
      if (!ACTION_TYPES.includes(action.Type)) {
        throw new ElbError(
          'ValidationError',
          `1 validation error detected: Value '${action.Type}' at ${at}.type' failed to satisfy constraint: Member must satisfy enum value set: [${ACTION_TYPES.join(', ')}]`,
        );
      }
      if (action.Order !== undefined)
        action.Order = integer(action.Order, `${field}.${i + 1}.member.order`, 1, 50000);
      if (action.Type === 'forward') this.checkForward(action, lbArn, `${field}.${i + 1}.member`);
      if (action.Type === 'authenticate-oidc') this.checkOidc(action, owner);
      return action;
    });
    if (out.length > 1 && out.some((a) => a.Order === undefined)) {
      throw new ElbError(
        'ValidationError',
        'An order must be specified for every action when there are several',
      );
    }
    const sorted = [...out].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0));
    if (new Set(sorted.map((a) => a.Order)).size !== sorted.length) {
      throw new ElbError('ValidationError', 'Action orders must be unique');
    }
    const terminal = sorted.filter((a) => TERMINAL_TYPES.has(a.Type));
    if (terminal.length !== 1 || !TERMINAL_TYPES.has(sorted[sorted.length - 1]?.Type ?? '')) {
      throw new ElbError(
        'InvalidLoadBalancerAction',
        'Exactly one of the following action types must be specified and it must be the last action: forward, redirect, fixed-response',
      );
    }
    return out;
  }

  private checkForward(action: ElbAction, lbArn: string, at: string): void {
    const single = action.TargetGroupArn;
    let config = action.ForwardConfig;
    if (single === undefined && config === undefined) {
      throw new ElbError('ValidationError', 'A target group ARN must be specified for a forward action');
    }
    if (config === undefined) config = { TargetGroups: [{ TargetGroupArn: single ?? '', Weight: 1 }] };
    const groups = config.TargetGroups;
    if (groups.length === 0 || groups.length > 5) {
      throw new ElbError('ValidationError', 'A forward action must specify between 1 and 5 target groups');
    }
    if (single !== undefined && (groups.length !== 1 || groups[0]?.TargetGroupArn !== single)) {
      throw new ElbError(
        'ValidationError',
        'You cannot specify a target group ARN with a forward config that has a different or more than one target group',
      );
    }
    const seen = new Set<string>();
    groups.forEach((group, j) => {
      const tgArn = group.TargetGroupArn;
      checkArn(tgArn, 'targetgroup', 'target group');
      if (seen.has(tgArn))
        throw new ElbError('ValidationError', `Target group '${tgArn}' is specified more than once`);
      seen.add(tgArn);
      if (!this.targetGroups.has(tgArn))
        throw new ElbError('TargetGroupNotFound', 'One or more target groups not found');
      const others = [...this.attachedTo(tgArn)].filter((lb) => lb !== lbArn);
      if (others.length > 0) {
        throw new ElbError(
          'TargetGroupAssociationLimit',
          `The following target groups cannot be associated with more than one load balancer: ${tgArn}`,
        );
      }
      group.Weight =
        group.Weight === undefined
          ? 1
          : integer(group.Weight, `${at}.forwardConfig.targetGroups.${j + 1}.member.weight`, 0, 999);
    });
    const stickiness = config.TargetGroupStickinessConfig;
    const enabled = stickiness === undefined ? false : bool(stickiness.Enabled);
    const duration =
      stickiness?.DurationSeconds === undefined
        ? undefined
        : integer(
            stickiness.DurationSeconds,
            `${at}.forwardConfig.targetGroupStickinessConfig.durationSeconds`,
            1,
            604800,
          );
    config.TargetGroupStickinessConfig = {
      Enabled: enabled,
      ...(duration === undefined ? {} : { DurationSeconds: duration }),
    };
    action.ForwardConfig = config;
    if (groups.length === 1) action.TargetGroupArn = groups[0]?.TargetGroupArn ?? '';
  }

  private checkOidc(action: ElbAction, owner: string): void {
    const config = action.AuthenticateOidcConfig as Record<string, unknown> | undefined;
    const missing = OIDC_REQUIRED.filter((key) => config?.[key] === undefined);
    if (config === undefined || missing.length > 0) {
      throw new ElbError('ValidationError', `AuthenticateOidcConfig is missing ${missing.join(', ')}`);
    }
    const key = `${owner} ${String(config.ClientId)}`;
    const useExisting = config.UseExistingClientSecret !== undefined && bool(config.UseExistingClientSecret);
    if (config.ClientSecret !== undefined) this.secrets.set(key, String(config.ClientSecret));
    else if (!useExisting || !this.secrets.has(key)) {
      throw new ElbError(
        'ValidationError',
        'A client secret must be specified for authenticate-oidc actions unless UseExistingClientSecret is true for an existing client',
      );
    }
    delete config.ClientSecret;
    delete config.UseExistingClientSecret;
  }

  /** The load balancers whose listeners or rules forward to a target group. */
  private attachedTo(tgArn: string): Set<string> {
    const lbs = new Set<string>();
    for (const listener of this.listeners.values()) {
      const actions = [
        ...listener.DefaultActions,
        ...[...this.rules.values()]
          .filter((r) => r.ListenerArn === listener.ListenerArn)
          .flatMap((r) => r.Actions),
      ];
      if (actions.some((a) => a.ForwardConfig?.TargetGroups.some((g) => g.TargetGroupArn === tgArn))) {
        lbs.add(listener.LoadBalancerArn);
      }
    }
    return lbs;
  }

  private listenerOfDefaultRule(ruleArn: string): ElbListenerRecord | undefined {
    return [...this.listeners.values()].find((l) => this.defaultRuleArn(l.ListenerArn) === ruleArn);
  }

  private listenerOut(listener: ElbListenerRecord): Record<string, unknown> {
    return { ...listener, DefaultActions: listener.DefaultActions };
  }

  private ruleOut(rule: ElbRuleRecord): Record<string, unknown> {
    return {
      RuleArn: rule.RuleArn,
      Priority: String(rule.Priority),
      Conditions: rule.Conditions,
      Actions: rule.Actions,
      IsDefault: false,
    };
  }

  private defaultRuleOut(listener: ElbListenerRecord): Record<string, unknown> {
    return {
      RuleArn: this.defaultRuleArn(listener.ListenerArn),
      Priority: 'default',
      Conditions: [],
      Actions: listener.DefaultActions,
      IsDefault: true,
    };
  }

  private targetGroupOut(tg: ElbTargetGroupRecord): Record<string, unknown> {
    return {
      TargetGroupArn: tg.TargetGroupArn,
      TargetGroupName: tg.TargetGroupName,
      Protocol: tg.Protocol,
      Port: tg.Port,
      VpcId: tg.VpcId,
      HealthCheckProtocol: tg.Protocol,
      HealthCheckPort: 'traffic-port',
      HealthCheckEnabled: true,
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [...this.attachedTo(tg.TargetGroupArn)],
      TargetType: tg.TargetType,
      ProtocolVersion: 'HTTP1',
      IpAddressType: 'ipv4',
    };
  }

  private arnPrefix(): string {
    return `arn:aws:elasticloadbalancing:${this.region}:${this.account}:`;
  }

  private nextId(): string {
    this.sequence += 1;
    return (0x50f1a7e000000000n + BigInt(this.sequence)).toString(16);
  }
}

// ---- the Query protocol: form parameters in, XML out ------------------------------------------------------

function formParams(request: StandInRequest): URLSearchParams {
  return new URLSearchParams(
    typeof request.body === 'string' ? request.body : request.rawBody.toString('utf8'),
  );
}

/**
 * Turns flattened Query parameters into a nested object: `A.member.2.B=x` becomes `{ A: [, { B: 'x' }] }`
 * (lists compacted in index order), `M.entry.1.key=k&M.entry.1.value=v` becomes `{ M: { k: 'v' } }`. An empty list
 * travels as `A=` and stays the empty string. Values stay strings: each operation converts what it reads.
 */
export function decodeQuery(params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        if (!(part in node)) node[part] = value;
        return;
      }
      const next = node[part];
      if (typeof next !== 'object' || next === null) {
        const created = Object.create(null) as Record<string, unknown>;
        node[part] = created;
        node = created;
      } else node = next as Record<string, unknown>;
    });
  }
  return shape(root) as Record<string, unknown>;
}

function shape(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const obj = node as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && (keys[0] === 'member' || keys[0] === 'entry')) {
    const items = obj[keys[0]];
    if (typeof items === 'object' && items !== null) {
      const ordered = Object.entries(items as Record<string, unknown>)
        .filter(([index]) => /^\d+$/.test(index))
        .sort((a, b) => Number(a[0]) - Number(b[0]))
        .map(([, item]) => shape(item));
      if (keys[0] === 'member') return ordered;
      return Object.fromEntries(
        ordered.map((e) => {
          const entry = e as Record<string, unknown>;
          return [String(entry.key), entry.value];
        }),
      );
    }
  }
  return Object.fromEntries(keys.map((k) => [k, shape(obj[k])]));
}

/** A value as fast-xml-parser's builder wants it: lists as `member` elements, maps as `entry` key/value pairs. */
function xmlTree(value: unknown, name?: string): unknown {
  if (Array.isArray(value)) return value.length === 0 ? '' : { member: value.map((v) => xmlTree(v)) };
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (name !== undefined && MAP_MEMBERS.has(name)) {
      return entries.length === 0 ? '' : { entry: entries.map(([k, v]) => ({ key: k, value: String(v) })) };
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, xmlTree(v, k)]));
  }
  return String(value);
}

/** An action decoded from the wire: numbers and booleans still strings, converted by the checks. */
function actionFromWire(raw: unknown): ElbAction {
  const action = { ...(raw as Record<string, unknown>) } as ElbAction;
  if (typeof action.Type !== 'string')
    throw new ElbError('ValidationError', 'An action type must be specified');
  const config = action.ForwardConfig as Record<string, unknown> | undefined;
  if (config !== undefined) {
    action.ForwardConfig = {
      ...(config as object),
      TargetGroups: list(config.TargetGroups) as ElbTargetGroupTuple[],
    } as ElbForwardConfig;
  }
  return action;
}

function weightsOf(actions: ElbAction[]): Record<string, number> {
  const forward = actions.find((a) => a.Type === 'forward');
  return Object.fromEntries(
    (forward?.ForwardConfig?.TargetGroups ?? []).map((g) => [g.TargetGroupArn, g.Weight ?? 1]),
  );
}

function paginate<T>(items: T[], input: Record<string, unknown>): { items: T[]; next: string | undefined } {
  const size = input.PageSize === undefined ? 400 : integer(input.PageSize, 'pageSize', 1, 400);
  let start = 0;
  const marker = optionalString(input.Marker);
  if (marker !== undefined) {
    start = Number(Buffer.from(marker, 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > items.length)
      throw new ElbError('ValidationError', 'The marker is not valid');
  }
  const end = start + size;
  return {
    items: items.slice(start, end),
    next: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined,
  };
}

function checkArn(arn: string, resource: string, what: string): void {
  const pattern = new RegExp(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:${resource}/\\S+$`);
  if (!pattern.test(arn)) throw new ElbError('ValidationError', `'${arn}' is not a valid ${what} ARN`);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringList(value: unknown): string[] {
  return list(value).map(String);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function integer(value: unknown, at: string, min: number, max: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) {
    throw new ElbError('ValidationError', `Value '${String(value)}' at '${at}' is not a valid integer`);
  }
  if (n < min || n > max) {
    const bound = n < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
    throw new ElbError(
      'ValidationError',
      `1 validation error detected: Value '${n}' at '${at}' failed to satisfy constraint: Member must have value ${bound}`,
    );
  }
  return n;
}

function bool(value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ElbError('ValidationError', `Value '${String(value)}' is not a valid boolean`);
}
