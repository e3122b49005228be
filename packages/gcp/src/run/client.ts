/**
 * The Cloud Run Admin API v2 calls Slipway makes, over @google-cloud/run's REST transport (`fallback: true`, in
 * production as in tests). Design choices, each measured (docs/adr/0006-google-cloud-run-client.md):
 * - the generated clients are imported one by one from their own modules, never from the package index, which
 *   also loads 1.2 MB of static protobuf code; each is loaded (and constructed) only when first used;
 * - they get an auth client built from ADC (`@slipway/gcp/auth`), so the library never runs its own credential
 *   and project-id search (which probes the metadata server and spawns gcloud);
 * - every call runs with the library's retries off (`retry: null`) inside core's `retry()`: one policy, with
 *   backoff and jitter, that knows 429/503 and dropped connections; results come back pruned of proto3 defaults.
 */
import { dirname } from 'node:path';
import type { JobsClient } from '@google-cloud/run/build/src/v2/jobs_client.js';
import type { ServicesClient } from '@google-cloud/run/build/src/v2/services_client.js';
import type { AuthClient } from 'google-auth-library';
import { isRetryable, retry } from '@slipway/core';
import type { RetryOptions } from '@slipway/core';
import type { ApiEndpoint } from './endpoint.js';
import { RunApiError, isNotFound, operationError, toRunApiError } from './errors.js';
import { prune } from './normalize.js';
import type { Execution, ExecutionOverrides, IamPolicy, Job, Revision, Service, Task } from './types.js';

type ServiceRequest = Parameters<ServicesClient['createService']>[0];
type UpdateServiceRequest = Parameters<ServicesClient['updateService']>[0];
type JobRequest = Parameters<JobsClient['createJob']>[0];
type UpdateJobRequest = Parameters<JobsClient['updateJob']>[0];
type RunJobRequest = Parameters<JobsClient['runJob']>[0];
type SetIamPolicyRequest = Parameters<ServicesClient['setIamPolicy']>[0];

/** How {@link createRunApi} reaches the API. */
export interface RunApiOptions {
  authClient: AuthClient;
  endpoint: ApiEndpoint;
  /** core's retry policy for every call (attempts, delays, deadline); core's defaults otherwise. */
  retry?: Omit<RetryOptions, 'isRetryable' | 'onRetry'>;
  /** Told of each retried failure. */
  onRetry?: (call: string, e: unknown, attempt: number, delayMs: number) => void;
  /** Per-call timeout (default 60 s). */
  callTimeoutMs?: number;
}

/** A long-running operation just started. */
export interface OperationStart {
  name: string;
  done: boolean;
}

/** A long-running operation as polled. */
export interface OperationState {
  name: string;
  done: boolean;
  error: RunApiError | undefined;
}

/** The calls Slipway makes to Cloud Run. Results are pruned of proto3 defaults. */
export interface RunApi {
  getService(name: string): Promise<Service | undefined>;
  createService(name: string, service: Service, opts?: { validateOnly?: boolean }): Promise<OperationStart>;
  updateService(service: Service, opts?: { validateOnly?: boolean }): Promise<OperationStart>;
  getRevision(name: string): Promise<Revision | undefined>;
  getIamPolicy(resource: string): Promise<IamPolicy>;
  setIamPolicy(resource: string, policy: IamPolicy): Promise<IamPolicy>;
  getOperation(name: string): Promise<OperationState>;
  getJob(name: string): Promise<Job | undefined>;
  createJob(name: string, job: Job, opts?: { validateOnly?: boolean }): Promise<OperationStart>;
  updateJob(job: Job, opts?: { validateOnly?: boolean }): Promise<OperationStart>;
  /** Starts an execution; resolves to the operation and the execution's name. */
  runJob(
    name: string,
    overrides: ExecutionOverrides | undefined,
  ): Promise<{ operation: string; execution: string }>;
  getExecution(name: string): Promise<Execution>;
  listTasks(execution: string): Promise<Task[]>;
  /** Closes whatever clients were opened. */
  close(): Promise<void>;
}

/**
 * A policy with its etag as base64 text. The library reads `bytes` into a Buffer, and a copied Buffer (a plain
 * Uint8Array) is written back wrongly by its JSON serializer; text round-trips exactly.
 */
function policyOf(raw: unknown): IamPolicy {
  const policy = (prune(raw) ?? {}) as Omit<IamPolicy, 'etag'> & { etag?: unknown };
  if (ArrayBuffer.isView(policy.etag))
    policy.etag = Buffer.from(policy.etag.buffer, policy.etag.byteOffset, policy.etag.byteLength).toString(
      'base64',
    );
  return policy as IamPolicy;
}

/** Splits `projects/P/locations/L/<collection>/ID` into parent and id. */
export function splitName(name: string): { parent: string; id: string } {
  const i = name.lastIndexOf('/');
  const parent = name.slice(0, name.lastIndexOf('/', i - 1));
  return { parent, id: name.slice(i + 1) };
}

/**
 * Bundled into an ES module (as every Slipway action is), CommonJS's `__dirname` does not exist, yet google-gax
 * reads it while it loads (the folder of its gRPC protos, unused over REST): give it the running script's folder
 * first, which is where the bundle keeps its assets.
 */
function provideDirname(): void {
  const scope = globalThis as { __dirname?: string };
  scope.__dirname ??= process.argv[1] ? dirname(process.argv[1]) : process.cwd();
}

/**
 * Opens the Cloud Run API. Nothing is loaded or sent until the first call; each client module is imported the
 * first time a call needs it.
 */
export function createRunApi(options: RunApiOptions): RunApi {
  const clientOptions = {
    fallback: true as const,
    apiEndpoint: options.endpoint.apiEndpoint,
    port: options.endpoint.port,
    protocol: options.endpoint.protocol,
    authClient: options.authClient,
  };
  const callOptions = { retry: null, timeout: options.callTimeoutMs ?? 60_000 };
  const opened: Array<{ close(): Promise<void> }> = [];
  const lazy = <T extends { close(): Promise<void> }>(load: () => Promise<T>) => {
    let client: Promise<T> | undefined;
    return () => {
      provideDirname();
      client ??= load().then((c) => {
        opened.push(c);
        return c;
      });
      return client;
    };
  };
  const services = lazy(
    async () =>
      new (await import('@google-cloud/run/build/src/v2/services_client.js')).ServicesClient(clientOptions),
  );
  const revisions = lazy(
    async () =>
      new (await import('@google-cloud/run/build/src/v2/revisions_client.js')).RevisionsClient(clientOptions),
  );
  const jobs = lazy(
    async () => new (await import('@google-cloud/run/build/src/v2/jobs_client.js')).JobsClient(clientOptions),
  );
  const executions = lazy(
    async () =>
      new (await import('@google-cloud/run/build/src/v2/executions_client.js')).ExecutionsClient(
        clientOptions,
      ),
  );
  const tasks = lazy(
    async () =>
      new (await import('@google-cloud/run/build/src/v2/tasks_client.js')).TasksClient(clientOptions),
  );

  async function call<T>(
    label: string,
    fn: () => Promise<T>,
    retryable: (e: unknown) => boolean = isRetryable,
  ): Promise<T> {
    return retry(
      async () => {
        try {
          return await fn();
        } catch (e) {
          throw toRunApiError(e, label);
        }
      },
      {
        ...options.retry,
        isRetryable: retryable,
        onRetry: (e, attempt, delay) => options.onRetry?.(label, e, attempt, delay),
      },
    );
  }

  async function orMissing<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  const started = (op: { name?: string | null; done?: boolean | null }, label: string): OperationStart => {
    if (!op.name) throw new RunApiError('INTERNAL', 'the API answered without an operation name', label);
    return { name: op.name, done: op.done === true };
  };

  // The operations client of whichever client is open reaches every operation: they share one REST path.
  const operations = async () => {
    const client = (opened[0] as ServicesClient | JobsClient | undefined) ?? (await services());
    return client.operationsClient;
  };

  return {
    getService: (name) =>
      orMissing(
        call(
          `get service ${name}`,
          async () => prune((await (await services()).getService({ name }, callOptions))[0]) as Service,
        ),
      ),
    createService: (name, service, opts = {}) => {
      const { parent, id } = splitName(name);
      const body = { ...service };
      delete body.name;
      delete body.etag;
      return call(`create service ${name}`, async () => {
        const [op] = await (
          await services()
        ).createService(
          {
            parent,
            serviceId: id,
            service: body,
            validateOnly: opts.validateOnly === true,
          } as ServiceRequest,
          callOptions,
        );
        return started(op, `create service ${name}`);
      });
    },
    updateService: (service, opts = {}) =>
      call(`update service ${service.name}`, async () => {
        const [op] = await (
          await services()
        ).updateService(
          { service, validateOnly: opts.validateOnly === true } as UpdateServiceRequest,
          callOptions,
        );
        return started(op, `update service ${service.name}`);
      }),
    getRevision: (name) =>
      orMissing(
        call(
          `get revision ${name}`,
          async () => prune((await (await revisions()).getRevision({ name }, callOptions))[0]) as Revision,
        ),
      ),
    getIamPolicy: (resource) =>
      call(`get IAM policy of ${resource}`, async () => {
        const [policy] = await (
          await services()
        ).getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } }, callOptions);
        return policyOf(policy);
      }),
    setIamPolicy: (resource, policy) =>
      call(`set IAM policy of ${resource}`, async () => {
        const [next] = await (
          await services()
        ).setIamPolicy({ resource, policy } as SetIamPolicyRequest, callOptions);
        return policyOf(next);
      }),
    getOperation: (name) =>
      call(`get operation ${name}`, async () => {
        const client = await operations();
        const [op] = await client.getOperation(
          { name } as Parameters<typeof client.getOperation>[0],
          callOptions,
        );
        const error =
          op.done && op.error && op.error.code ? operationError(op.error, `operation ${name}`) : undefined;
        return { name, done: op.done === true, error };
      }),
    getJob: (name) =>
      orMissing(
        call(
          `get job ${name}`,
          async () => prune((await (await jobs()).getJob({ name }, callOptions))[0]) as Job,
        ),
      ),
    createJob: (name, job, opts = {}) => {
      const { parent, id } = splitName(name);
      const body = { ...job };
      delete body.name;
      delete body.etag;
      return call(`create job ${name}`, async () => {
        const [op] = await (
          await jobs()
        ).createJob(
          { parent, jobId: id, job: body, validateOnly: opts.validateOnly === true } as JobRequest,
          callOptions,
        );
        return started(op, `create job ${name}`);
      });
    },
    updateJob: (job, opts = {}) =>
      call(`update job ${job.name}`, async () => {
        const [op] = await (
          await jobs()
        ).updateJob({ job, validateOnly: opts.validateOnly === true } as UpdateJobRequest, callOptions);
        return started(op, `update job ${job.name}`);
      }),
    runJob: (name, overrides) =>
      // Only a throttled call is retried: after a 503 the execution may have started, and a retry would start another.
      call(
        `run job ${name}`,
        async () => {
          const [op] = await (
            await jobs()
          ).runJob({ name, ...(overrides ? { overrides } : {}) } as RunJobRequest, callOptions);
          const execution = (op.metadata as { name?: string } | null | undefined)?.name;
          if (!op.name || !execution)
            throw new RunApiError(
              'INTERNAL',
              'the API answered without an execution name',
              `run job ${name}`,
            );
          return { operation: op.name, execution };
        },
        (e) => e instanceof RunApiError && e.status === 'RESOURCE_EXHAUSTED',
      ),
    getExecution: (name) =>
      call(
        `get execution ${name}`,
        async () => prune((await (await executions()).getExecution({ name }, callOptions))[0]) as Execution,
      ),
    listTasks: (execution) =>
      call(`list tasks of ${execution}`, async () => {
        const [list] = await (
          await tasks()
        ).listTasks({ parent: execution }, { ...callOptions, autoPaginate: true });
        return list.map((t) => prune(t) as Task);
      }),
    close: async () => {
      await Promise.all(opened.splice(0).map((c) => c.close()));
    },
  };
}
