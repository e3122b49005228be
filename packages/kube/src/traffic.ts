/**
 * Traffic routers for Kubernetes (the `TrafficRouter` seam of `@slipway/core`):
 * - {@link createHttpRouteRouter}: Gateway API `HTTPRoute` backend weights, any whole percentage;
 * - {@link createServiceSelectorRouter}: a Service whose selector is switched between two sets of pods (all or
 *   nothing), with an optional preview Service for the candidate.
 *
 * Weights follow the Gateway API (https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref): a backend's
 * share of a rule is `weight / sum of the rule's weights`, an unset weight is 1, and a rule whose weights are all 0
 * answers 500. A write therefore always sets both weights of a rule in the same request, and one of them is > 0.
 */
import { TrafficTargetError, assertWeights } from '@slipway/core';
import type { RouteState, TrafficRouter, Weights } from '@slipway/core';
import { FIELD_MANAGER } from './apply.js';
import type { KubeClient } from './client.js';
import { isStatus } from './errors.js';
import { cloneJson, isRecord } from './types.js';
import type { KubeObject } from './types.js';

const MERGE_PATCH = 'application/merge-patch+json';
/** Attempts of a write that meets a 409 Conflict (someone else changed the object between read and write). */
const CONFLICT_ATTEMPTS = 5;

// ---- HTTPRoute ---------------------------------------------------------------------------------------------

/** Options of {@link createHttpRouteRouter}. */
export interface HttpRouteRouterOptions {
  /** Namespace of the HTTPRoute and of both Services. */
  namespace: string;
  /** Name of the HTTPRoute. */
  route: string;
  /** Name of the candidate's backend Service. */
  candidate: string;
  /** Name of the stable backend Service; by default the other Service backend of the rules that matter. */
  stable?: string | undefined;
}

/** One backendRef of an HTTPRoute rule, as JSON (only the fields read here are typed). */
interface BackendRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  port?: number;
  weight?: number;
  [key: string]: unknown;
}

/** What a read of the route found. */
interface RouteAnalysis {
  stable: string | undefined;
  /** Indexes of the rules that send to the stable or the candidate. */
  rules: number[];
  weights: Weights;
}

function rulesOf(route: KubeObject): Array<Record<string, unknown>> {
  const spec = isRecord(route.spec) ? route.spec : {};
  return Array.isArray(spec.rules) ? spec.rules.filter(isRecord) : [];
}

function refsOf(rule: Record<string, unknown>): BackendRef[] {
  return Array.isArray(rule.backendRefs) ? (rule.backendRefs.filter(isRecord) as BackendRef[]) : [];
}

/** The Service a backendRef names when it is a Service of the route's namespace, else undefined. */
function serviceOf(ref: BackendRef, namespace: string): string | undefined {
  const isService = (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service';
  return isService && (ref.namespace ?? namespace) === namespace ? ref.name : undefined;
}

/** `Service web`, `ServiceImport other/web`: how messages name a backend. */
function describeBackend(ref: BackendRef, namespace: string): string {
  const kind = ref.kind ?? 'Service';
  const ns = ref.namespace ?? namespace;
  return `${kind} ${ns === namespace ? '' : `${ns}/`}${ref.name ?? '?'}`;
}

/** `rule 2` or `rule 2 (api)` when the rule has a name (Gateway API 1.2). */
function describeRule(rule: Record<string, unknown>, index: number): string {
  return typeof rule.name === 'string' ? `rule ${index + 1} (${rule.name})` : `rule ${index + 1}`;
}

/** The weight of a backendRef: unset means 1. */
function weightOf(ref: BackendRef): number {
  return typeof ref.weight === 'number' ? ref.weight : 1;
}

/**
 * The candidate's percentage of a rule whose stable weights add up to `stable` and candidate weights to `candidate`:
 * rounded, but never 0 while the candidate gets something and never 100 while the stable does.
 */
function candidatePercent(stable: number, candidate: number): number {
  const exact = (candidate * 100) / (stable + candidate);
  const rounded = Math.round(exact);
  if (candidate > 0 && rounded === 0) return 1;
  if (stable > 0 && rounded === 100) return 99;
  return rounded;
}

/** Finds the stable, the rules that matter and the weights they send. Throws TrafficTargetError. */
function analyseRoute(
  route: KubeObject,
  opts: HttpRouteRouterOptions,
  stableName: string | undefined,
): RouteAnalysis {
  const { namespace, candidate } = opts;
  const label = `HTTPRoute ${namespace}/${opts.route}`;
  if (stableName === candidate)
    throw new TrafficTargetError('stable', `the stable Service is the candidate Service ${candidate}`);
  const rules = rulesOf(route);
  const names = (rule: Record<string, unknown>) => refsOf(rule).map((r) => serviceOf(r, namespace));

  let stable = stableName;
  if (stable === undefined) {
    const withCandidate = rules.filter((r) => names(r).includes(candidate));
    const pool = withCandidate.length > 0 ? withCandidate : rules;
    const others = new Map<string, BackendRef>();
    for (const rule of pool) {
      for (const ref of refsOf(rule)) {
        if (serviceOf(ref, namespace) === candidate) continue;
        others.set(describeBackend(ref, namespace), ref);
      }
    }
    if (others.size === 0 && withCandidate.length === 0)
      throw new TrafficTargetError('route', `${label} has no rule with a backend`);
    if (others.size > 1) {
      throw new TrafficTargetError(
        'stable',
        `${label} sends to ${[...others.keys()].join(', ')}${withCandidate.length > 0 ? ` besides the candidate Service ${candidate}` : ''}: name the stable Service`,
      );
    }
    const [only] = others.values();
    if (only !== undefined) {
      stable = serviceOf(only, namespace);
      if (stable === undefined)
        throw new TrafficTargetError(
          'stable',
          `${label} sends to ${describeBackend(only, namespace)}, which is not a Service of namespace ${namespace}`,
        );
    }
  }

  const matters = rules
    .map((rule, index) => ({ rule, index }))
    .filter(({ rule }) => names(rule).some((n) => n === candidate || (n !== undefined && n === stable)));
  if (matters.length === 0) {
    throw new TrafficTargetError(
      'stable',
      `${label} has no rule that sends to the stable Service ${stable ?? '?'} or the candidate Service ${candidate}`,
    );
  }

  let agreed: { percent: number; where: string } | undefined;
  for (const { rule, index } of matters) {
    let stableWeight = 0;
    let candidateWeight = 0;
    for (const ref of refsOf(rule)) {
      const name = serviceOf(ref, namespace);
      if (name === candidate) candidateWeight += weightOf(ref);
      else if (name !== undefined && name === stable) stableWeight += weightOf(ref);
      else
        throw new TrafficTargetError(
          'stable',
          `${describeRule(rule, index)} of ${label} also sends to ${describeBackend(ref, namespace)}, a third backend besides the stable Service ${stable ?? '?'} and the candidate Service ${candidate}`,
        );
    }
    if (stableWeight + candidateWeight === 0)
      throw new TrafficTargetError(
        'route',
        `${describeRule(rule, index)} of ${label} has no backend with a weight above 0 (it answers 500)`,
      );
    const percent = candidatePercent(stableWeight, candidateWeight);
    const where = describeRule(rule, index);
    if (agreed !== undefined && agreed.percent !== percent) {
      throw new TrafficTargetError(
        'route',
        `the rules of ${label} split traffic differently: ${agreed.where} sends ${agreed.percent}% to the candidate, ${where} ${percent}%`,
      );
    }
    agreed ??= { percent, where };
  }
  const percent = agreed?.percent ?? 0;
  return {
    stable,
    rules: matters.map((m) => m.index),
    weights: { stable: 100 - percent, candidate: percent },
  };
}

/** The rules with both weights set in each rule that matters; a missing backend is added next to the other. */
function weightedRules(
  route: KubeObject,
  analysis: RouteAnalysis,
  opts: HttpRouteRouterOptions,
  weights: Weights,
): Array<Record<string, unknown>> {
  const rules = cloneJson(rulesOf(route));
  for (const index of analysis.rules) {
    const rule = rules[index];
    if (rule === undefined) continue;
    const refs = refsOf(rule);
    const set = (name: string | undefined, weight: number, partner: string | undefined) => {
      const own = refs.filter((r) => name !== undefined && serviceOf(r, opts.namespace) === name);
      own.forEach((r, i) => (r.weight = i === 0 ? weight : 0));
      if (own.length > 0 || weight === 0 || name === undefined) return;
      const at = refs.findIndex((r) => serviceOf(r, opts.namespace) === partner);
      const model = refs[at] ?? {};
      const added: BackendRef = {
        ...(model.group === undefined ? {} : { group: model.group }),
        ...(model.kind === undefined ? {} : { kind: model.kind }),
        name,
        ...(model.namespace === undefined ? {} : { namespace: model.namespace }),
        ...(model.port === undefined ? {} : { port: model.port }),
        weight,
      };
      refs.splice(at + 1, 0, added);
    };
    set(analysis.stable, weights.stable, opts.candidate);
    set(opts.candidate, weights.candidate, analysis.stable);
    rule.backendRefs = refs;
  }
  return rules;
}

function servicePorts(service: KubeObject): number[] {
  const spec = isRecord(service.spec) ? service.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
  return ports.map((p) => Number(p.port));
}

/**
 * A router over the backend weights of a Gateway API `HTTPRoute` (platform `kubernetes`, any whole percentage).
 *
 * The rules that matter are those sending to the stable or the candidate Service; all of them must split traffic
 * the same way, and none may send to a third backend. A write sets the weights of every such rule in one JSON merge
 * patch carrying the route's `resourceVersion` (re-read and retried on 409 Conflict), adding the candidate
 * backendRef with the stable's port where it is missing.
 *
 * Errors name the input: `route` (missing route, rules that disagree or answer 500), `candidate` (missing Service or
 * port), `stable` (a third backend, a stable that cannot be inferred or is not in the route).
 */
export function createHttpRouteRouter(client: KubeClient, opts: HttpRouteRouterOptions): TrafficRouter {
  const ns = encodeURIComponent(opts.namespace);
  const routePath = `/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes/${encodeURIComponent(opts.route)}`;
  const label = `HTTPRoute ${opts.namespace}/${opts.route}`;
  // The route as last read or written: a write normally needs no extra read.
  let cached: KubeObject | undefined;

  const getRoute = async (): Promise<KubeObject> => {
    try {
      cached = await client.request<KubeObject>({ method: 'GET', path: routePath });
      return cached;
    } catch (e) {
      if (isStatus(e, 404))
        throw new TrafficTargetError(
          'route',
          `${label} does not exist (or the Gateway API is not installed)`,
        );
      throw e;
    }
  };

  const getCandidate = async (): Promise<KubeObject> => {
    try {
      return await client.request<KubeObject>({
        method: 'GET',
        path: `/api/v1/namespaces/${ns}/services/${encodeURIComponent(opts.candidate)}`,
      });
    } catch (e) {
      if (isStatus(e, 404))
        throw new TrafficTargetError(
          'candidate',
          `the candidate Service ${opts.namespace}/${opts.candidate} does not exist`,
        );
      throw e;
    }
  };

  const describe = (analysis: RouteAnalysis, route: KubeObject) =>
    `${label} ${analysis.rules.length === 1 ? 'rule' : 'rules'} ${analysis.rules
      .map((i) => {
        const rule = rulesOf(route)[i];
        return rule !== undefined && typeof rule.name === 'string'
          ? `${i + 1} (${rule.name})`
          : String(i + 1);
      })
      .join(', ')}`;

  return {
    platform: 'kubernetes',
    granularity: 'percent',

    async read(): Promise<RouteState> {
      const route = await getRoute();
      const analysis = analyseRoute(route, opts, opts.stable);
      const service = await getCandidate();
      // Where the candidate will be added next to the stable, it is reached on the stable's port.
      const ports = servicePorts(service);
      for (const index of analysis.rules) {
        const refs = refsOf(rulesOf(route)[index] ?? {});
        if (refs.some((r) => serviceOf(r, opts.namespace) === opts.candidate)) continue;
        const port = refs.find((r) => serviceOf(r, opts.namespace) === analysis.stable)?.port;
        if (port !== undefined && !ports.includes(port))
          throw new TrafficTargetError(
            'candidate',
            `the candidate Service ${opts.namespace}/${opts.candidate} has no port ${port}, which ${label} uses for the stable Service ${analysis.stable ?? '?'}`,
          );
      }
      return {
        stable: analysis.stable,
        candidate: opts.candidate,
        weights: analysis.weights,
        route: describe(analysis, route),
      };
    },

    async write(weights: Weights, state: RouteState): Promise<void> {
      assertWeights(weights);
      const stable = state.stable ?? opts.stable;
      if (stable === undefined && weights.stable > 0)
        throw new TrafficTargetError(
          'stable',
          `${label} has no stable Service to send ${weights.stable}% to: name the stable Service`,
        );
      let route = cached ?? (await getRoute());
      for (let attempt = 1; ; attempt++) {
        const analysis = analyseRoute(route, opts, stable);
        const rules = weightedRules(route, analysis, opts, weights);
        try {
          cached = await client.request<KubeObject>({
            method: 'PATCH',
            path: routePath,
            query: { fieldManager: FIELD_MANAGER },
            contentType: MERGE_PATCH,
            // resourceVersion makes the patch conditional: no one else's change is overwritten unseen.
            body: { metadata: { resourceVersion: route.metadata.resourceVersion }, spec: { rules } },
          });
          return;
        } catch (e) {
          if (isStatus(e, 404))
            throw new TrafficTargetError('route', `${label} does not exist (it was deleted)`);
          if (!isStatus(e, 409) || attempt >= CONFLICT_ATTEMPTS) throw e;
          route = await getRoute();
        }
      }
    },
  };
}

// ---- Service selector --------------------------------------------------------------------------------------

/** Options of {@link createServiceSelectorRouter}. */
export interface ServiceSelectorRouterOptions {
  /** Namespace of the Services and pods. */
  namespace: string;
  /** The live Service whose selector is switched. */
  service: string;
  /** Labels that select the candidate's pods: `slot=green` or `version=v2,track=x`. */
  candidate: string;
  /** Labels of the stable pods, with the same keys; by default the Service's current values for those keys. */
  stable?: string | undefined;
  /** A Service that gets the candidate's selector on {@link TrafficRouter.preview}, for testing before the switch. */
  previewService?: string | undefined;
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * Parses `key=value[,key=value]` (label selector equality terms) into labels.
 * @param input the input it came from, named by the {@link TrafficTargetError} thrown when it is malformed
 */
export function parseLabels(text: string, input: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const term of text.split(',').map((t) => t.trim())) {
    const m = /^([^=\s]+)\s*==?\s*(\S*)$/.exec(term);
    const key = m?.[1];
    const value = m?.[2];
    if (key === undefined || value === undefined || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value))
      throw new TrafficTargetError(
        input,
        `expected labels as key=value[,key=value], got ${JSON.stringify(text)} (${JSON.stringify(term)} is not a valid label)`,
      );
    if (key in labels)
      throw new TrafficTargetError(input, `label ${key} is given twice in ${JSON.stringify(text)}`);
    labels[key] = value;
  }
  return labels;
}

/** `k=v,k2=v2`, keys in the order given. */
export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function selectorOf(service: KubeObject): Record<string, string> {
  const spec = isRecord(service.spec) ? service.spec : {};
  const selector = isRecord(spec.selector) ? spec.selector : {};
  return Object.fromEntries(Object.entries(selector).map(([k, v]) => [k, String(v)]));
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([k, v]) => selector[k] === v);
}

/**
 * A router that switches a Service's selector between the stable and the candidate pods (platform `kubernetes`,
 * granularity `switch`: weights are 100/0 or 0/100, anything else is a RangeError).
 *
 * A read checks that at least one pod matches the Service's selector with the candidate's labels. A write is one
 * JSON merge patch of `spec.selector`; a preview is one merge patch of the preview Service's selector to the live
 * selector with the candidate's labels, and returns no URL.
 *
 * Errors name the input: `service`, `candidate` (malformed, no pod, labels the Service does not select on),
 * `stable` (malformed, other keys than the candidate's, the Service selects neither), `preview-service`.
 */
export function createServiceSelectorRouter(
  client: KubeClient,
  opts: ServiceSelectorRouterOptions,
): TrafficRouter {
  const candidate = parseLabels(opts.candidate, 'candidate');
  const keys = Object.keys(candidate);
  const named = opts.stable === undefined ? undefined : parseLabels(opts.stable, 'stable');
  if (named !== undefined) {
    const stableKeys = Object.keys(named);
    if (stableKeys.length !== keys.length || !keys.every((k) => k in named))
      throw new TrafficTargetError(
        'stable',
        `the stable labels (${opts.stable ?? ''}) must set the same keys as the candidate's (${keys.join(', ')})`,
      );
    if (matches(named, candidate))
      throw new TrafficTargetError('stable', `the stable labels are the candidate's (${opts.candidate})`);
  }
  const ns = encodeURIComponent(opts.namespace);
  const servicePath = (name: string) => `/api/v1/namespaces/${ns}/services/${encodeURIComponent(name)}`;
  const label = `Service ${opts.namespace}/${opts.service}`;
  // The live selector as last read, for the preview Service.
  let liveSelector: Record<string, string> | undefined;

  const patchSelector = async (name: string, selector: Record<string, string>, input: string) => {
    try {
      await client.request({
        method: 'PATCH',
        path: servicePath(name),
        query: { fieldManager: FIELD_MANAGER },
        contentType: MERGE_PATCH,
        body: { spec: { selector } },
      });
    } catch (e) {
      if (isStatus(e, 404))
        throw new TrafficTargetError(input, `Service ${opts.namespace}/${name} does not exist`);
      throw e;
    }
  };

  const readSelector = async (): Promise<Record<string, string>> => {
    let service: KubeObject;
    try {
      service = await client.request<KubeObject>({ method: 'GET', path: servicePath(opts.service) });
    } catch (e) {
      if (isStatus(e, 404)) throw new TrafficTargetError('service', `${label} does not exist`);
      throw e;
    }
    const selector = selectorOf(service);
    if (Object.keys(selector).length === 0)
      throw new TrafficTargetError(
        'service',
        `${label} has no selector (its endpoints are not chosen by labels)`,
      );
    liveSelector = selector;
    return selector;
  };

  const router: TrafficRouter = {
    platform: 'kubernetes',
    granularity: 'switch',

    async read(): Promise<RouteState> {
      const selector = await readSelector();
      const missing = keys.filter((k) => !(k in selector));
      if (missing.length > 0)
        throw new TrafficTargetError(
          'candidate',
          `${label} does not select on ${missing.join(', ')} (its selector is ${formatLabels(selector)}): add the label to its selector first`,
        );
      const current = Object.fromEntries(keys.map((k) => [k, selector[k] ?? '']));
      const live = matches(selector, candidate);
      if (!live && named !== undefined && !matches(selector, named))
        throw new TrafficTargetError(
          'stable',
          `${label} selects ${formatLabels(current)}: neither the stable (${formatLabels(named)}) nor the candidate (${formatLabels(candidate)})`,
        );
      const wanted = formatLabels({ ...selector, ...candidate });
      const pods = await client.request<{ items?: unknown[] }>({
        method: 'GET',
        path: `/api/v1/namespaces/${ns}/pods`,
        query: { labelSelector: wanted, limit: 1 },
      });
      if ((pods.items ?? []).length === 0)
        throw new TrafficTargetError('candidate', `no pod matches ${wanted} in namespace ${opts.namespace}`);
      const stable = live ? named : current;
      return {
        stable: stable === undefined ? undefined : formatLabels(stable),
        candidate: formatLabels(candidate),
        weights: live ? { stable: 0, candidate: 100 } : { stable: 100, candidate: 0 },
        route: `${label} selector ${formatLabels(selector)}`,
      };
    },

    async write(weights: Weights, state: RouteState): Promise<void> {
      assertWeights(weights);
      if (weights.candidate !== 0 && weights.candidate !== 100)
        throw new RangeError(
          `a Service selector switches all traffic at once: weights must be 100/0 or 0/100, got ${weights.stable}/${weights.candidate}`,
        );
      let target = candidate;
      if (weights.stable === 100) {
        const stable =
          named ?? (state.stable === undefined ? undefined : parseLabels(state.stable, 'stable'));
        if (stable === undefined)
          throw new TrafficTargetError(
            'stable',
            `no stable labels are known to switch ${label} back to: name them`,
          );
        target = stable;
      }
      await patchSelector(opts.service, target, 'service');
    },
  };

  const previewService = opts.previewService;
  if (previewService !== undefined) {
    router.preview = async (): Promise<string | undefined> => {
      const selector = liveSelector ?? (await readSelector());
      await patchSelector(previewService, { ...selector, ...candidate }, 'preview-service');
      return undefined;
    };
  }
  return router;
}
