import { describe, expect, it } from '@jest/globals';
import { CredentialKeeper, RegistryLoginError, expiresWithin, staticLogin } from '../src/registry.js';
import type { Credentials, RegistryLogin, RenewalTimer } from '../src/registry.js';

const MINUTE = 60_000;

/** A login that hands out numbered passwords valid for `ttlMs` from the clock's time, and records each call. */
function countingLogin(clock: { now: number }, ttlMs: number | undefined, kind = 'test') {
  const calls: string[] = [];
  const login: RegistryLogin = {
    kind,
    login: (registry) => {
      calls.push(registry);
      return Promise.resolve({
        registry,
        username: 'user',
        password: `pw-${registry}-${calls.length}`,
        expiresAt: ttlMs === undefined ? undefined : clock.now + ttlMs,
      });
    },
  };
  return { login, calls };
}

/** A timer that fires only when the test says so. */
function manualTimer() {
  const armed: Array<{ callback: () => void; ms: number; cleared: boolean }> = [];
  const timer: RenewalTimer = {
    set: (callback, ms) => {
      const entry = { callback, ms, cleared: false };
      armed.push(entry);
      return entry;
    },
    clear: (handle) => {
      (handle as { cleared: boolean }).cleared = true;
    },
  };
  const pending = () => armed.filter((a) => !a.cleared);
  /** Fires the latest pending timer, as the event loop would. */
  const fire = () => {
    const entry = pending().at(-1);
    if (entry === undefined) throw new Error('no timer is armed');
    entry.cleared = true;
    entry.callback();
  };
  return { timer, armed, pending, fire };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('expiresWithin', () => {
  const at = (expiresAt: number | undefined): Credentials => ({
    registry: 'r',
    username: 'u',
    password: 'p',
    expiresAt,
  });
  it.each([
    ['well before the margin', 100 * MINUTE, 0, 10 * MINUTE, false],
    ['exactly at the margin', 10 * MINUTE, 0, 10 * MINUTE, true],
    ['inside the margin', 9 * MINUTE, 0, 10 * MINUTE, true],
    ['already expired', 0, 5, 0, true],
    ['never expiring', undefined, 10 ** 15, 10 * MINUTE, false],
  ])('%s', (_what, expiresAt, now, margin, expected) => {
    expect(expiresWithin(at(expiresAt), now, margin)).toBe(expected);
  });
});

describe('staticLogin', () => {
  it('answers the given username and password for any registry, without expiry', async () => {
    const login = staticLogin('bob', 's3cret');
    await expect(login.login('ghcr.io')).resolves.toEqual({
      registry: 'ghcr.io',
      username: 'bob',
      password: 's3cret',
      expiresAt: undefined,
    });
    expect(login.kind).toBe('basic auth');
  });
});

describe('CredentialKeeper', () => {
  it('logs in once per registry and reuses fresh credentials', async () => {
    const clock = { now: 0 };
    const { login, calls } = countingLogin(clock, 60 * MINUTE);
    const seen: Array<[string, boolean]> = [];
    const keeper = new CredentialKeeper({
      renewBeforeMs: 10 * MINUTE,
      now: () => clock.now,
      onLogin: (c, renewal) => {
        seen.push([c.password, renewal]);
      },
    });
    keeper.add('a.example', login).add('b.example', login).add('a.example', staticLogin('x', 'y'));

    const first = await keeper.refresh();
    clock.now = 49 * MINUTE;
    const second = await keeper.refresh();

    expect(first.map((c) => c.password)).toEqual(['pw-a.example-1', 'pw-b.example-2']);
    expect(second).toEqual([]);
    expect(calls).toEqual(['a.example', 'b.example']);
    expect(seen).toEqual([
      ['pw-a.example-1', false],
      ['pw-b.example-2', false],
    ]);
    expect(keeper.registries).toEqual(['a.example', 'b.example']);
    expect(keeper.current('a.example')?.password).toBe('pw-a.example-1');
  });

  it('renews only the credentials that expire within the margin, and says they are renewals', async () => {
    const clock = { now: 0 };
    const short = countingLogin(clock, 15 * MINUTE);
    const long = countingLogin(clock, 12 * 60 * MINUTE);
    const plain = countingLogin(clock, undefined);
    const renewals: string[] = [];
    const keeper = new CredentialKeeper({
      renewBeforeMs: 10 * MINUTE,
      now: () => clock.now,
      onLogin: (c, renewal) => {
        if (renewal) renewals.push(c.registry);
      },
    });
    keeper.add('ar', short.login).add('ecr', long.login).add('oci', plain.login);
    await keeper.refresh();

    clock.now = 6 * MINUTE;
    const renewed = await keeper.refresh();

    expect(renewed.map((c) => c.registry)).toEqual(['ar']);
    expect(renewals).toEqual(['ar']);
    expect(keeper.current('ar')?.expiresAt).toBe(21 * MINUTE);
    expect([short.calls.length, long.calls.length, plain.calls.length]).toEqual([2, 1, 1]);
  });

  it('names the registry and kind when a login fails, and leaves later registries alone', async () => {
    const clock = { now: 0 };
    const later = countingLogin(clock, undefined);
    const keeper = new CredentialKeeper({ renewBeforeMs: 0, now: () => clock.now });
    keeper
      .add('123456789012.dkr.ecr.eu-west-1.amazonaws.com', {
        kind: 'Amazon ECR',
        login: () =>
          Promise.reject(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' })),
      })
      .add('ghcr.io', later.login);

    const failure = await keeper.refresh().catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(RegistryLoginError);
    expect((failure as Error).message).toBe(
      'could not log in to 123456789012.dkr.ecr.eu-west-1.amazonaws.com (Amazon ECR): User is not authorized',
    );
    expect((failure as RegistryLoginError).registry).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com');
    expect(later.calls).toEqual([]);
  });

  it('does not keep a credential whose onLogin failed', async () => {
    const clock = { now: 0 };
    const { login } = countingLogin(clock, undefined);
    let refuse = true;
    const keeper = new CredentialKeeper({
      renewBeforeMs: 0,
      now: () => clock.now,
      onLogin: () => {
        if (refuse) throw new Error('engine refused');
      },
    });
    keeper.add('r', login);
    await expect(keeper.refresh()).rejects.toThrow('engine refused');
    expect(keeper.current('r')).toBeUndefined();
    refuse = false;
    await expect(keeper.refresh()).resolves.toHaveLength(1);
  });

  it('runs one refresh at a time', async () => {
    const clock = { now: 0 };
    let inFlight = 0;
    let most = 0;
    const keeper = new CredentialKeeper({ renewBeforeMs: 10 * MINUTE, now: () => clock.now });
    keeper.add('r', {
      kind: 'slow',
      login: async (registry) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await flush();
        inFlight--;
        return { registry, username: 'u', password: 'p', expiresAt: clock.now + MINUTE };
      },
    });
    const results = await Promise.all([keeper.refresh(), keeper.refresh(), keeper.refresh()]);
    expect(most).toBe(1);
    // Each credential lives one minute, inside the 10-minute margin: every refresh renews it.
    expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
  });

  it('rejects a negative margin', () => {
    expect(() => new CredentialKeeper({ renewBeforeMs: -1 })).toThrow(RangeError);
  });

  describe('keepFresh', () => {
    it('wakes when the earliest credential is due, renews it, and re-arms for the next', async () => {
      const clock = { now: 0 };
      const ar = countingLogin(clock, 60 * MINUTE);
      const ecr = countingLogin(clock, 12 * 60 * MINUTE);
      const keeper = new CredentialKeeper({ renewBeforeMs: 5 * MINUTE, now: () => clock.now });
      keeper.add('ar', ar.login).add('ecr', ecr.login);
      await keeper.refresh();
      const { timer, armed, pending, fire } = manualTimer();
      const errors: unknown[] = [];

      const fresh = keeper.keepFresh({ timer, onError: (e) => errors.push(e) });
      expect(armed.map((a) => a.ms)).toEqual([55 * MINUTE]);

      clock.now = 55 * MINUTE;
      fire();
      await flush();

      expect(ar.calls.length).toBe(2);
      expect(ecr.calls.length).toBe(1);
      // The new AR token expires at 115 min: due at 110 min, 55 minutes from now.
      expect(pending().map((a) => a.ms)).toEqual([55 * MINUTE]);
      await fresh.stop();
      expect(pending()).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('reports a failed renewal and tries again after retryAfterMs', async () => {
      const clock = { now: 0 };
      let fail = false;
      let calls = 0;
      const keeper = new CredentialKeeper({ renewBeforeMs: MINUTE, now: () => clock.now });
      keeper.add('r', {
        kind: 'flaky',
        login: (registry) => {
          calls++;
          if (fail) return Promise.reject(new Error('token service unavailable'));
          return Promise.resolve({
            registry,
            username: 'u',
            password: 'p',
            expiresAt: clock.now + 10 * MINUTE,
          });
        },
      });
      await keeper.refresh();
      const { timer, pending, fire } = manualTimer();
      const errors: string[] = [];
      const fresh = keeper.keepFresh({
        timer,
        onError: (e) => errors.push((e as Error).message),
        retryAfterMs: 7,
      });

      fail = true;
      clock.now = 9 * MINUTE;
      fire();
      await flush();

      expect(errors).toEqual(['could not log in to r (flaky): token service unavailable']);
      expect(pending().map((a) => a.ms)).toEqual([7]);
      fail = false;
      fire();
      await flush();
      expect(calls).toBe(3);
      expect(keeper.current('r')?.expiresAt).toBe(19 * MINUTE);
      await fresh.stop();
    });

    it('waits at least minIntervalMs between renewals of a token that lives shorter than the margin', async () => {
      const clock = { now: 0 };
      const short = countingLogin(clock, 2 * MINUTE);
      const keeper = new CredentialKeeper({ renewBeforeMs: 5 * MINUTE, now: () => clock.now });
      keeper.add('ar', short.login);
      await keeper.refresh();
      const { timer, armed, fire } = manualTimer();
      const fresh = keeper.keepFresh({ timer, onError: () => undefined, minIntervalMs: 30_000 });

      // Due at once (the token expires inside the margin), then never more often than every 30 s.
      expect(armed.map((a) => a.ms)).toEqual([0]);
      fire();
      await flush();
      expect(armed.map((a) => a.ms)).toEqual([0, 30_000]);
      expect(short.calls).toHaveLength(2);
      await fresh.stop();
    });

    it('arms nothing when no credential expires', async () => {
      const keeper = new CredentialKeeper({ renewBeforeMs: MINUTE });
      keeper.add('r', staticLogin('u', 'p'));
      await keeper.refresh();
      const { timer, armed } = manualTimer();
      const fresh = keeper.keepFresh({ timer, onError: () => undefined });
      expect(keeper.nextRenewalAt()).toBeUndefined();
      expect(armed).toEqual([]);
      await fresh.stop();
    });
  });
});
