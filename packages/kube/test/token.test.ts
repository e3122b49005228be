import { ServerClock } from '../src/server-clock.js';
import { RenewingToken } from '../src/token.js';

describe('ServerClock', () => {
  it.each([
    { local: 1_000_000, date: new Date(1_000_000 + 3_600_000).toUTCString(), offset: 3_600_000 },
    { local: 1_000_000, date: new Date(1_000_000 + 400).toUTCString(), offset: 0 },
    { local: 1_000_000, date: 'not a date', offset: 0 },
  ])('learns the offset from Date: $date', ({ local, date, offset }) => {
    const clock = new ServerClock(() => local);
    clock.observe(date);
    expect(Math.abs(clock.offset - offset)).toBeLessThan(1_000);
    expect(clock.now() - local).toBe(clock.offset);
  });
});

describe('RenewingToken', () => {
  function setup() {
    let local = 0;
    const clock = new ServerClock(() => local);
    const minted: number[] = [];
    const token = new RenewingToken(
      (now) => {
        minted.push(now);
        return Promise.resolve({ token: `t${minted.length}`, expiresAt: now + 14 * 60_000 });
      },
      { clock, renewBeforeMs: 60_000 },
    );
    return { token, minted, clock, advance: (ms: number) => (local += ms) };
  }

  it.each([
    { after: 0, token: 't1', minted: 1 },
    { after: 12 * 60_000, token: 't1', minted: 1 },
    { after: 13 * 60_000, token: 't2', minted: 2 },
  ])(
    'keeps a token until a minute before it expires ($after ms → $token)',
    async ({ after, token, minted }) => {
      const s = setup();
      await s.token.get();
      s.advance(after);
      expect(await s.token.get()).toBe(token);
      expect(s.minted).toHaveLength(minted);
    },
  );

  it('counts time on the server clock: a server running ahead renews early', async () => {
    const s = setup();
    await s.token.get();
    s.clock.observe(new Date(20 * 60_000).toUTCString());
    expect(await s.token.get()).toBe('t2');
    expect(s.minted[1]).toBe(20 * 60_000);
  });

  it('mints once for concurrent callers, and again after invalidate()', async () => {
    const s = setup();
    expect(await Promise.all([s.token.get(), s.token.get(), s.token.get()])).toEqual(['t1', 't1', 't1']);
    s.token.invalidate();
    expect(await s.token.get()).toBe('t2');
    expect(s.token.minted).toBe(2);
  });

  it('passes a failed mint on and tries again next time', async () => {
    let fail = true;
    const clock = new ServerClock(() => 0);
    const token = new RenewingToken(
      () =>
        fail ? Promise.reject(new Error('no credentials')) : Promise.resolve({ token: 'ok', expiresAt: 1e9 }),
      { clock, renewBeforeMs: 0 },
    );
    await expect(token.get()).rejects.toThrow('no credentials');
    fail = false;
    expect(await token.get()).toBe('ok');
  });
});
