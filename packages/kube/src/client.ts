/**
 * A small JSON client for the Kubernetes API over node:https, with objects as plain JSON. @kubernetes/client-node
 * is not bundled: its typed API (and `KubernetesObjectApi.patch`) re-serialises objects through model classes that
 * drop fields they do not know (`x-kubernetes-*` schema fields of a CustomResourceDefinition, fields newer than the
 * client), so an apply would not apply what it was given; and its KubeConfig alone adds 2.3 MB to a bundle. The
 * tests use client-node as the reference client of the API stand-in.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';
import { retry } from '@slipway/core';
import { KubeApiError } from './errors.js';
import type { KubeStatus } from './errors.js';
import type { ClusterConnection } from './kubeconfig.js';
import { ServerClock } from './server-clock.js';
import { isRecord } from './types.js';

/** Query parameters; undefined ones are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** One request. */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path from the API root, e.g. `/apis/apps/v1/namespaces/default/deployments/web`. */
  path: string;
  query?: Query;
  /** JSON body (serialised here). */
  body?: unknown;
  contentType?: string;
  /** Retry 429, 5xx and dropped connections (default: GET and PATCH, which are safe to repeat). */
  retry?: boolean;
}

/** One event of a watch. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

/** Options of {@link KubeClient}. */
export interface KubeClientOptions {
  /** Server, TLS and credentials. */
  connection: ClusterConnection;
  /** Learns the server's time from each answer (tokens are timed on it). */
  clock?: ServerClock;
  /** Per-request timeout (not for watches), 30 s by default. */
  requestTimeoutMs?: number;
  /** Told of each distinct `Warning` header the server sends (deprecations, Autopilot adjustments). */
  onWarning?: (message: string) => void;
  /** Attempts for retryable failures, 5 by default. */
  maxAttempts?: number;
  /** Sleep between retries (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The quoted texts of `Warning: 299 - "..."` headers (RFC 7234 warn-text). */
export function parseWarnings(value: string | undefined): string[] {
  if (value === undefined) return [];
  const out: string[] = [];
  for (const m of value.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g))
    out.push((m[1] ?? '').replace(/\\(.)/g, '$1'));
  return out;
}

function statusFrom(status: number, body: Buffer): KubeStatus {
  const text = body.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed) && parsed.kind === 'Status') return parsed as unknown as KubeStatus;
  } catch {
    // Not JSON: a proxy or load balancer answered.
  }
  const reason =
    status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'NotFound' : undefined;
  return {
    kind: 'Status',
    status: 'Failure',
    code: status,
    ...(reason ? { reason } : {}),
    message: text.trim().slice(0, 300) || `HTTP ${status}`,
  };
}

/** The Kubernetes API over HTTPS, with retries, token renewal and the server's clock. */
export class KubeClient {
  readonly clock: ServerClock;
  private readonly warned = new Set<string>();
  private readonly agent: HttpsAgent | HttpAgent;

  /** @param options connection and reporting hooks */
  constructor(private readonly options: KubeClientOptions) {
    this.clock = options.clock ?? new ServerClock();
    const tls = options.connection.tls;
    this.agent = this.server.startsWith('http:')
      ? new HttpAgent({ keepAlive: true })
      : new HttpsAgent({
          keepAlive: true,
          rejectUnauthorized: !tls.insecureSkipVerify,
          ...(tls.ca === undefined ? {} : { ca: tls.ca }),
          ...(tls.cert === undefined ? {} : { cert: tls.cert }),
          ...(tls.key === undefined ? {} : { key: tls.key }),
          ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
        });
  }

  /** The API server URL. */
  get server(): string {
    return this.options.connection.server;
  }

  /** Closes idle keep-alive connections, so the process can exit at once. */
  close(): void {
    this.agent.destroy();
  }

  private get token() {
    const credentials = this.options.connection.credentials;
    return credentials.kind === 'token' ? credentials.provider : undefined;
  }

  /** Sends a request and parses the JSON answer; throws {@link KubeApiError} for any non-2xx answer. */
  async request<T = Record<string, unknown>>(req: KubeRequest): Promise<T> {
    const raw = await this.withRetry(req, () => this.checked(req));
    const text = raw.body.toString('utf8');
    return (text === '' ? {} : JSON.parse(text)) as T;
  }

  /** Sends a GET and returns the body as text (pod logs). */
  async text(path: string, query?: Query): Promise<string> {
    const req: KubeRequest = { method: 'GET', path, ...(query === undefined ? {} : { query }) };
    const raw = await this.withRetry(req, () => this.checked(req));
    return raw.body.toString('utf8');
  }

  /**
   * Watches a collection: calls `onEvent` for each event as it arrives, and resolves when the server ends the
   * watch or `signal` aborts it (an abort resolves too: the caller asked for it).
   */
  async watch(
    path: string,
    query: Query,
    onEvent: (event: WatchEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    let partial = '';
    const consume = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') onEvent(JSON.parse(line) as WatchEvent);
    };
    const req: KubeRequest = { method: 'GET', path, query: { ...query, watch: 1 } };
    try {
      const raw = await this.send(req, {
        stream: consume,
        ...(signal === undefined ? {} : { signal }),
        timeoutMs: 0,
      });
      if (raw.status === 401) this.token?.invalidate();
      if (raw.status < 200 || raw.status > 299)
        throw new KubeApiError(raw.status, statusFrom(raw.status, raw.body));
      if (partial.trim() !== '') onEvent(JSON.parse(partial) as WatchEvent);
    } catch (e) {
      if (signal?.aborted === true) return;
      throw e;
    }
  }

  private async withRetry(req: KubeRequest, fn: () => Promise<RawResponse>): Promise<RawResponse> {
    const retryable = req.retry ?? (req.method === 'GET' || req.method === 'PATCH');
    if (!retryable) return fn();
    return retry(fn, {
      maxAttempts: this.options.maxAttempts ?? 5,
      ...(this.options.sleep === undefined ? {} : { sleep: this.options.sleep }),
    });
  }

  /** One request with one renewal of the token after a 401; non-2xx answers throw. */
  private async checked(req: KubeRequest): Promise<RawResponse> {
    let raw = await this.send(req, {});
    if (raw.status === 401 && this.token !== undefined) {
      this.token.invalidate();
      raw = await this.send(req, {});
    }
    if (raw.status >= 200 && raw.status <= 299) return raw;
    const retryAfter = Number(header(raw.headers, 'retry-after'));
    throw new KubeApiError(
      raw.status,
      statusFrom(raw.status, raw.body),
      Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
    );
  }

  private async send(
    req: KubeRequest,
    opts: { stream?: (chunk: Buffer) => void; signal?: AbortSignal; timeoutMs?: number },
  ): Promise<RawResponse> {
    const payload =
      req.body === undefined
        ? undefined
        : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    const headers: Record<string, string | number> = {
      accept: 'application/json',
      'user-agent': 'slipway',
      ...(payload === undefined
        ? {}
        : { 'content-type': req.contentType ?? 'application/json', 'content-length': payload.length }),
    };
    const credentials = this.options.connection.credentials;
    if (credentials.kind === 'token') headers.authorization = `Bearer ${await credentials.provider.get()}`;
    if (credentials.kind === 'basic')
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    const options: RequestOptions = { method: req.method, headers, agent: this.agent };
    const url = new URL(`${this.server.replace(/\/$/, '')}${req.path}${queryString(req.query)}`);
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000;
    return new Promise<RawResponse>((resolve, reject) => {
      const request = send(url, options, (res: IncomingMessage) => {
        this.clock.observe(header(res.headers, 'date'));
        for (const w of parseWarnings(header(res.headers, 'warning'))) {
          if (this.warned.has(w)) continue;
          this.warned.add(w);
          this.options.onWarning?.(w);
        }
        const chunks: Buffer[] = [];
        const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) <= 299;
        res.on('data', (chunk: Buffer) =>
          opts.stream !== undefined && ok ? opts.stream(chunk) : chunks.push(chunk),
        );
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
        res.on('aborted', () =>
          reject(
            Object.assign(new Error('the API server closed the response early'), { code: 'ECONNRESET' }),
          ),
        );
      });
      if (timeoutMs > 0) {
        request.setTimeout(timeoutMs, () =>
          request.destroy(
            Object.assign(new Error(`no answer from ${url.host} within ${timeoutMs} ms`), {
              name: 'TimeoutError',
            }),
          ),
        );
      }
      if (opts.signal !== undefined) {
        if (opts.signal.aborted) request.destroy(new Error('aborted'));
        opts.signal.addEventListener('abort', () => request.destroy(new Error('aborted')), { once: true });
      }
      request.on('error', reject);
      request.end(payload);
    });
  }
}
