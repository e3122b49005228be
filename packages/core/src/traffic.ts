/**
 * The traffic router seam: where a platform sends requests between a stable version and a candidate, read from
 * the platform itself and written in one API call. Cloud Run (revision percentages), an Application Load
 * Balancer (target-group weights on a listener or rule) and Kubernetes (Gateway API `HTTPRoute` backend weights,
 * or a Service whose selector is switched) each implement it; `traffic-split` is one algorithm over it.
 */

/** Percentages of the traffic; `stable + candidate` is always 100. */
export interface Weights {
  stable: number;
  candidate: number;
}

/** How finely a router can divide traffic. */
export type TrafficGranularity =
  /** any whole percentage (Cloud Run, ALB, HTTPRoute) */
  | 'percent'
  /** all or nothing: 0 or 100 (a Service selector) */
  | 'switch';

/** What a router reads from the platform. */
export interface RouteState {
  /** The version that serves now besides the candidate: a revision, a target group, a Service or a selector. */
  stable: string | undefined;
  /** The candidate as the platform names it (a full revision name for a tag, a target group ARN for a name). */
  candidate: string;
  /** Where traffic goes now. When the candidate serves everything and no stable is known, `stable` is 0. */
  weights: Weights;
  /** Where the candidate alone answers, when the platform gives it one (a Cloud Run tag URL). */
  candidateUrl?: string | undefined;
  /** Human-readable description of the route for the log, e.g. `listener …/web/abc/def rule 10`. */
  route: string;
}

/** One platform's traffic, for one stable/candidate pair. */
export interface TrafficRouter {
  readonly platform: 'cloudrun' | 'ecs' | 'kubernetes';
  readonly granularity: TrafficGranularity;
  /**
   * Reads the route. Throws {@link TrafficTargetError} when the candidate (or the named stable, or the route)
   * does not exist or the route sends traffic to a third version; throttling and 5xx are retried inside.
   */
  read(): Promise<RouteState>;
  /**
   * Writes both weights in one API call (so there is never a moment without a full route) and returns when the
   * platform has taken the change. `weights.stable + weights.candidate` must be 100.
   */
  write(weights: Weights, state: RouteState): Promise<void>;
  /**
   * Makes the candidate reachable on its own while it has no traffic (blue/green testing): a Cloud Run tag, a
   * test listener, a preview Service. Returns the URL when the platform knows one. Optional.
   */
  preview?(state: RouteState): Promise<string | undefined>;
  /** Releases clients. */
  close?(): Promise<void>;
}

/** The candidate, the stable version or the route named in the inputs does not exist or cannot be split. */
export class TrafficTargetError extends Error {
  /**
   * @param input the input that named the missing thing (`candidate`, `stable`, `listener-arn`, ...)
   */
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
    this.name = 'TrafficTargetError';
  }
}

/** Checks that weights are whole percentages summing to 100; throws otherwise (a programming error). */
export function assertWeights(weights: Weights): void {
  const { stable, candidate } = weights;
  if (
    !Number.isInteger(stable) ||
    !Number.isInteger(candidate) ||
    stable < 0 ||
    candidate < 0 ||
    stable + candidate !== 100
  ) {
    throw new RangeError(`weights must be whole percentages summing to 100, got ${stable}/${candidate}`);
  }
}

/** The weights with `candidate` percent on the candidate. */
export function weightsFor(candidate: number): Weights {
  const weights = { stable: 100 - candidate, candidate };
  assertWeights(weights);
  return weights;
}
