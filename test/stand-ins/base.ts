import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Clock } from './clock.js';

/**
 * A misbehaviour the stand-in plays instead of (or before) answering an operation:
 * - `throttle`: the service's own throttling answer, `times` times (`variant` picks a flavour where a service has
 *   several, e.g. GitHub's primary or secondary rate limit);
 * - `http`: a server error with that status in the service's error shape;
 * - `latency`: waits `ms` before handling normally (every call when `times` is left out);
 * - `reset`: destroys the socket without answering, so the client sees ECONNRESET;
 * - `hang`: never answers; the socket is closed only by the client or by `stop()`.
 */
export type Fault =
  | { kind: 'throttle'; times: number; variant?: string }
  | { kind: 'http'; status: number; times: number }
  | { kind: 'latency'; ms: number; times?: number }
  | { kind: 'reset'; times: number }
  | { kind: 'hang'; times: number };

/** The kinds of {@link Fault}. */
export type FaultKind = Fault['kind'];

/** One request the stand-in received, recorded on arrival and completed when it is answered. */
export interface JournalEntry {
  /** Stand-in clock time (epoch ms) at arrival. */
  time: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  /** The operation the protocol resolved, e.g. `DescribeRepositories` or `GET /repos/:owner/:repo/issues/:number/comments`. */
  operation: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, the text otherwise, undefined when empty. */
  body: unknown;
  /** HTTP status answered; undefined while pending or when the request was reset or hung. */
  status: number | undefined;
  /** The fault played for this request, if any. */
  fault?: FaultKind;
}

/** A request as handed to a protocol: body already read. */
export interface StandInRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  body: unknown;
}

/** What a protocol answers. Objects and arrays in `body` are sent as JSON; strings and Buffers as they are. */
export interface StandInResponse {
  status: number;
  headers?: Record<string, string | number | string[]>;
  body?: unknown;
}

/** Options every stand-in accepts. */
export interface StandInOptions {
  /** Simulated time; pass one Clock to several stand-ins to move them together. */
  clock?: Clock;
}

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

/** Wildcard operation name for {@link StandIn.inject}: the fault applies to every operation. */
export const ANY_OPERATION = '*';

/**
 * A local HTTP server bound to 127.0.0.1 on a free port that records every request and plays injected faults.
 * Subclasses speak one wire protocol: they name the operation of a request, answer it, and say what throttling
 * and server errors look like in that service.
 */
export abstract class StandIn {
  /** Every request received, in arrival order. */
  readonly journal: JournalEntry[] = [];
  /** Simulated time used for timestamps, expiries and signature skew. */
  readonly clock: Clock;

  private server: Server | undefined;
  private baseUrl: string | undefined;
  private stopping: Promise<void> | undefined;
  private readonly faults = new Map<string, ArmedFault[]>();
  private readonly hung = new Set<ServerResponse>();

  protected constructor(options: StandInOptions = {}) {
    this.clock = options.clock ?? new Clock();
  }

  /** The base URL (`http://127.0.0.1:<port>`); throws before `start()`. */
  get url(): string {
    if (this.baseUrl === undefined) throw new Error(`${this.constructor.name} is not started`);
    return this.baseUrl;
  }

  /** Binds the server to a free port on 127.0.0.1 and resolves to its base URL. Starting twice is an error. */
  async start(): Promise<string> {
    if (this.server !== undefined) throw new Error(`${this.constructor.name} is already started`);
    const server = createServer((req, res) => {
      this.dispatch(req, res).catch((error: unknown) => {
        // A bug in a stand-in must show up in the test, not as a hung request.
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`stand-in failure: ${error instanceof Error ? error.stack : String(error)}`);
      });
    });
    // Keep-alive sockets from SDK agents would otherwise hold close() open.
    server.keepAliveTimeout = 1_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  /** Closes the server and every socket, including hung requests. Safe to call more than once. */
  stop(): Promise<void> {
    if (this.server === undefined) return Promise.resolve();
    this.stopping ??= this.close(this.server);
    return this.stopping;
  }

  /** The simulated time in epoch milliseconds. */
  now(): number {
    return this.clock.now();
  }

  /** Moves the simulated time forward by `ms`. */
  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** The journal entries of one operation. */
  calls(operation: string): JournalEntry[] {
    return this.journal.filter((entry) => entry.operation === operation);
  }

  /**
   * Arms a fault for an operation (or {@link ANY_OPERATION}). Faults of one operation are played in the order
   * injected; each is used up after its `times`.
   */
  inject(operation: string, fault: Fault): void {
    const remaining = fault.kind === 'latency' ? (fault.times ?? Number.POSITIVE_INFINITY) : fault.times;
    if (!(remaining > 0)) throw new Error(`fault ${fault.kind} needs times > 0`);
    const list = this.faults.get(operation) ?? [];
    list.push({ fault, remaining });
    this.faults.set(operation, list);
  }

  /** Disarms the faults of one operation, or all of them. */
  clearFaults(operation?: string): void {
    if (operation === undefined) this.faults.clear();
    else this.faults.delete(operation);
  }

  /** Empties the journal. */
  clearJournal(): void {
    this.journal.length = 0;
  }

  /** Names the operation of a request; called for every request, before faults and handling. */
  protected abstract identify(request: StandInRequest): string;

  /** Answers a request normally. A thrown error becomes a 500 in the service's shape. */
  protected abstract handle(
    request: StandInRequest,
    operation: string,
  ): StandInResponse | Promise<StandInResponse>;

  /** The service's own throttling answer. */
  protected abstract throttleResponse(
    request: StandInRequest,
    operation: string,
    variant?: string,
  ): StandInResponse;

  /** The service's answer for a server-side failure with this status (500, 502, 503, ...). */
  protected abstract serverErrorResponse(
    request: StandInRequest,
    operation: string,
    status: number,
    message?: string,
  ): StandInResponse;

  /** Headers every answer carries (request ids and the like). */
  protected commonHeaders(_request: StandInRequest): Record<string, string> {
    return {};
  }

  private async close(server: Server): Promise<void> {
    for (const res of this.hung) res.socket?.destroy();
    this.hung.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private takeFault(operation: string): Fault | undefined {
    for (const key of [operation, ANY_OPERATION]) {
      const list = this.faults.get(key);
      const armed = list?.find((candidate) => candidate.remaining > 0);
      if (armed === undefined) continue;
      armed.remaining -= 1;
      return armed.fault;
    }
    return undefined;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const request: StandInRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
    };
    const operation = this.identify(request);
    const entry: JournalEntry = {
      time: this.clock.now(),
      method: request.method,
      path: request.path,
      query: request.query,
      operation,
      headers: request.headers,
      body: request.body,
      status: undefined,
    };
    this.journal.push(entry);

    let fault = this.takeFault(operation);
    while (fault?.kind === 'latency') {
      entry.fault = 'latency';
      await delay(fault.ms);
      fault = this.takeFault(operation);
    }
    if (fault !== undefined) entry.fault = fault.kind;

    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') {
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }

    let response: StandInResponse;
    if (fault?.kind === 'throttle') response = this.throttleResponse(request, operation, fault.variant);
    else if (fault?.kind === 'http') response = this.serverErrorResponse(request, operation, fault.status);
    else {
      try {
        response = await this.handle(request, operation);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        response = this.serverErrorResponse(request, operation, 500, `stand-in handler failed: ${message}`);
      }
    }
    entry.status = response.status;
    this.write(res, request, response);
  }

  private write(res: ServerResponse, request: StandInRequest, response: StandInResponse): void {
    if (res.destroyed) return;
    const headers: Record<string, string | number | string[]> = {
      // Clients that correct clock skew (the AWS SDK) read Date: it follows the simulated clock.
      date: this.clock.date().toUTCString(),
      ...this.commonHeaders(request),
      ...response.headers,
    };
    let payload: Buffer | undefined;
    if (response.body === undefined) payload = undefined;
    else if (Buffer.isBuffer(response.body)) payload = response.body;
    else if (typeof response.body === 'string') payload = Buffer.from(response.body);
    else {
      payload = Buffer.from(JSON.stringify(response.body));
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
    }
    headers['content-length'] = payload?.length ?? 0;
    res.writeHead(response.status, headers);
    res.end(payload);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const previous = query[key];
    if (previous === undefined) query[key] = value;
    else query[key] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return query;
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType === undefined || /json/i.test(contentType)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
