// A small candidate HTTP application for traffic-split's gates: answers `GET /…` with its version, and can be told
// to start failing (a status code for a share of requests) or slowing down (added latency) — at once, or at a
// moment the test describes as a condition (e.g. "once the candidate has 25 % of the traffic"), checked on every
// request. Every request is journalled with what it got.
import { performance } from 'node:perf_hooks';
import { StandIn } from './base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from './base.js';

/** How the app answers. */
export interface AppBehaviour {
  /** Status of failing requests (default 503). */
  status: number;
  /** Share of requests that fail, 0–1: `1` fails every request, `0.5` every second one. */
  failRatio: number;
  /** Added latency per request, in ms. */
  latencyMs: number;
}

/** A behaviour that starts when `when()` first holds, checked on each request. */
interface Scheduled {
  when: () => boolean;
  behaviour: Partial<AppBehaviour>;
  /** Set once the condition held (stand-in clock, epoch ms). */
  startedAt?: number;
}

const HEALTHY: AppBehaviour = { status: 503, failRatio: 0, latencyMs: 0 };

/** Options of a {@link CandidateApp}. */
export interface CandidateAppOptions extends StandInOptions {
  /** The version it reports, e.g. `orders-api-00002-new`. */
  version?: string;
}

/** The candidate: an HTTP server on 127.0.0.1 whose health the test controls. */
export class CandidateApp extends StandIn {
  readonly version: string;
  #behaviour: AppBehaviour = { ...HEALTHY };
  #scheduled: Scheduled[] = [];
  #served = 0;
  #failed = 0;
  /** Counts since the behaviour last changed, so that a share of failures starts fresh. */
  #window = { served: 0, failed: 0 };
  /** `performance.now()` of every answer, for benchmarks that time what follows a failed probe. */
  readonly answeredAt: number[] = [];

  constructor(options: CandidateAppOptions = {}) {
    super(options);
    this.version = options.version ?? 'candidate';
  }

  /** Requests answered so far, and how many of them failed. */
  get counts(): { served: number; failed: number } {
    return { served: this.#served, failed: this.#failed };
  }

  /** Answers healthy again, and forgets scheduled changes. */
  heal(): void {
    this.#behaviour = { ...HEALTHY };
    this.#scheduled = [];
    this.#window = { served: 0, failed: 0 };
  }

  /** Starts failing now: `failRatio` of requests get `status`. */
  fail(failRatio = 1, status = 503): void {
    this.#behaviour = { ...this.#behaviour, failRatio, status };
    this.#window = { served: 0, failed: 0 };
  }

  /** Adds `latencyMs` to every request from now on. */
  slow(latencyMs: number): void {
    this.#behaviour = { ...this.#behaviour, latencyMs };
  }

  /** Changes the behaviour the first time `when()` holds on a request (and for every request after). */
  at(when: () => boolean, behaviour: Partial<AppBehaviour>): void {
    this.#scheduled.push({ when, behaviour });
  }

  /** When a scheduled change took effect (stand-in clock), for tests that measure from that moment. */
  startedAt(index = 0): number | undefined {
    return this.#scheduled[index]?.startedAt;
  }

  protected identify(request: StandInRequest): string {
    return `${request.method} ${request.path}`;
  }

  protected async handle(request: StandInRequest): Promise<StandInResponse> {
    for (const s of this.#scheduled) {
      if (s.startedAt === undefined && s.when()) {
        s.startedAt = this.clock.now();
        this.#behaviour = { ...this.#behaviour, ...s.behaviour };
        this.#window = { served: 0, failed: 0 };
      }
    }
    const b = this.#behaviour;
    if (b.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, b.latencyMs));
    this.#served += 1;
    this.#window.served += 1;
    // Deterministic share: a request fails when the failures so far lag the ratio.
    const failing = b.failRatio > 0 && this.#window.failed < Math.round(this.#window.served * b.failRatio);
    this.answeredAt.push(performance.now());
    if (failing) {
      this.#failed += 1;
      this.#window.failed += 1;
      return {
        status: b.status,
        headers: { 'content-type': 'text/plain' },
        body: `unavailable (${this.version})\n`,
      };
    }
    if (request.path === '/version') return { status: 200, body: { version: this.version } };
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: `ok ${this.version}\n` };
  }

  protected throttleResponse(): StandInResponse {
    return { status: 429, headers: { 'retry-after': '1' }, body: 'too many requests\n' };
  }

  protected serverErrorResponse(
    _request: StandInRequest,
    _operation: string,
    status: number,
  ): StandInResponse {
    return { status, headers: { 'content-type': 'text/plain' }, body: 'server error\n' };
  }
}
