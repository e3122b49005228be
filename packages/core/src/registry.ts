/**
 * The Registry credentials seam: `login(registry)` gives credentials with an expiry, one implementation per
 * registry kind (an ECR token, an Artifact Registry access token, basic auth). {@link CredentialKeeper} holds the
 * credentials of every registry an action talks to and renews each one before it expires, so a build that
 * outlives a short-lived token still pushes with a valid one.
 */
import { describeError } from './errors.js';

/** What an engine needs to log in to one registry host. The password is a secret: mask it before any log. */
export interface Credentials {
  /** Registry host, with its port when it has one (`123456789012.dkr.ecr.eu-west-1.amazonaws.com`). */
  registry: string;
  username: string;
  password: string;
  /** Epoch milliseconds after which the registry refuses the password; `undefined` when it does not expire. */
  expiresAt: number | undefined;
}

/** Logs in to registries of one kind. */
export interface RegistryLogin {
  /** What kind of registry this is, for log lines: `Amazon ECR`, `Artifact Registry`, `basic auth`. */
  readonly kind: string;
  /** Fresh credentials for `registry` (a host). Implementations retry transient failures themselves. */
  login(registry: string): Promise<Credentials>;
}

/** True when `credentials` expire within `marginMs` of `now` (or already have); never for non-expiring ones. */
export function expiresWithin(credentials: Credentials, now: number, marginMs: number): boolean {
  return credentials.expiresAt !== undefined && credentials.expiresAt - marginMs <= now;
}

/** A {@link RegistryLogin} that always answers the same username and password (a plain OCI registry). */
export function staticLogin(username: string, password: string, kind = 'basic auth'): RegistryLogin {
  return {
    kind,
    login: (registry) => Promise.resolve({ registry, username, password, expiresAt: undefined }),
  };
}

/** Options of a {@link CredentialKeeper}. */
export interface CredentialKeeperOptions {
  /** Renew credentials that expire within this many milliseconds. */
  renewBeforeMs: number;
  /**
   * Told of every credential obtained, the first ones and renewals alike, before the keeper hands it out:
   * this is where an action masks the password and gives it to its engine. A throw fails that login.
   */
  onLogin?: (credentials: Credentials, renewal: boolean) => Promise<void> | void;
  now?: () => number;
}

/** A timer the keeper can arm and cancel; `setTimeout` by default, a fake in tests. */
export interface RenewalTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimer: RenewalTimer = {
  set: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending renewal must never keep the process alive on its own.
    handle.unref();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

// Node timers overflow beyond 2^31-1 ms (about 24.8 days) and fire at once; no credential needs that long a wait.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Holds the credentials of several registries and renews each one before it expires.
 *
 * Registries are added with the {@link RegistryLogin} that serves them; {@link refresh} logs in to those without
 * credentials and renews those due (expiring within `renewBeforeMs`); {@link keepFresh} does the same in the
 * background, waking when the next credential becomes due, for engines that read credentials while they work
 * (a long build that pulls and pushes at the end).
 */
export class CredentialKeeper {
  readonly #logins = new Map<string, RegistryLogin>();
  readonly #current = new Map<string, Credentials>();
  readonly #options: CredentialKeeperOptions;
  readonly #now: () => number;
  // One refresh at a time: a background renewal and a foreground one must not log in twice at once.
  #running: Promise<Credentials[]> = Promise.resolve([]);

  /** @param options renewal margin and what to do with each credential obtained. */
  constructor(options: CredentialKeeperOptions) {
    if (!(options.renewBeforeMs >= 0)) {
      throw new RangeError(`CredentialKeeper: renewBeforeMs must be >= 0, got ${options.renewBeforeMs}`);
    }
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Serves `registry` with `login`. Adding a registry twice keeps the first login. */
  add(registry: string, login: RegistryLogin): this {
    if (!this.#logins.has(registry)) this.#logins.set(registry, login);
    return this;
  }

  /** The registries added, in the order added. */
  get registries(): string[] {
    return [...this.#logins.keys()];
  }

  /** The credentials held for `registry`, if it has logged in. */
  current(registry: string): Credentials | undefined {
    return this.#current.get(registry);
  }

  /**
   * Logs in to every registry without credentials and renews every credential due, one registry after the other
   * in the order added; resolves to the credentials obtained (empty when all were fresh). The first failure
   * rejects, naming the registry, and leaves the registries after it untouched.
   */
  refresh(): Promise<Credentials[]> {
    const next = this.#running.then(
      () => this.#refreshNow(),
      () => this.#refreshNow(),
    );
    this.#running = next;
    return next;
  }

  async #refreshNow(): Promise<Credentials[]> {
    const obtained: Credentials[] = [];
    for (const [registry, login] of this.#logins) {
      const held = this.#current.get(registry);
      if (held !== undefined && !expiresWithin(held, this.#now(), this.#options.renewBeforeMs)) continue;
      let credentials: Credentials;
      try {
        credentials = await login.login(registry);
      } catch (e) {
        throw new RegistryLoginError(registry, login.kind, e);
      }
      await this.#options.onLogin?.(credentials, held !== undefined);
      this.#current.set(registry, credentials);
      obtained.push(credentials);
    }
    return obtained;
  }

  /**
   * Epoch milliseconds at which the next held credential becomes due for renewal (its expiry minus the margin),
   * or `undefined` when none expires.
   */
  nextRenewalAt(): number | undefined {
    let next: number | undefined;
    for (const credentials of this.#current.values()) {
      if (credentials.expiresAt === undefined) continue;
      const due = credentials.expiresAt - this.#options.renewBeforeMs;
      if (next === undefined || due < next) next = due;
    }
    return next;
  }

  /**
   * Renews credentials in the background, each time one becomes due, until the returned `stop()`. A failed
   * renewal is reported to `onError` and tried again after `retryAfterMs` (a minute by default), so one hiccup
   * of the token service does not end a build that may not need the token again. Wake-ups are at least
   * `minIntervalMs` apart (a minute by default): a token that lives shorter than the margin is due again as soon
   * as it is issued, and must not send the keeper into a loop.
   */
  keepFresh(opts: {
    onError: (e: unknown) => void;
    timer?: RenewalTimer;
    retryAfterMs?: number;
    minIntervalMs?: number;
  }): {
    stop(): Promise<void>;
  } {
    const timer = opts.timer ?? realTimer;
    const retryAfter = opts.retryAfterMs ?? 60_000;
    const minInterval = opts.minIntervalMs ?? 60_000;
    let handle: unknown;
    let stopped = false;
    const arm = (delay: number | undefined, floor: number) => {
      if (stopped) return;
      const due = this.nextRenewalAt();
      const wait = delay ?? (due === undefined ? undefined : Math.max(floor, due - this.#now()));
      if (wait === undefined) return;
      handle = timer.set(wake, Math.min(wait, MAX_TIMER_MS));
    };
    const wake = () => {
      handle = undefined;
      this.refresh().then(
        () => arm(undefined, minInterval),
        (e: unknown) => {
          if (!stopped) opts.onError(e);
          arm(retryAfter, 0);
        },
      );
    };
    arm(undefined, 0);
    return {
      stop: async () => {
        stopped = true;
        if (handle !== undefined) timer.clear(handle);
        // A renewal in flight finishes before the caller moves on (and, say, removes the auth file).
        await this.#running.catch(() => undefined);
      },
    };
  }
}

/** A registry login failed: names the registry and its kind; the cause keeps the original error. */
export class RegistryLoginError extends Error {
  readonly registry: string;

  constructor(registry: string, kind: string, cause: unknown) {
    super(`could not log in to ${registry} (${kind}): ${describeError(cause)}`, { cause });
    this.name = 'RegistryLoginError';
    this.registry = registry;
  }
}
