/**
 * The API server's time, learnt from the `Date` header of its answers. Token lifetimes and the rollout deadline
 * are counted on it, so a runner whose clock is off (or a test server whose clock runs fast) still renews tokens
 * before the server would refuse them.
 */

/** The server's clock as seen from here: local time plus the last offset observed. */
export class ServerClock {
  private offsetMs = 0;

  /** @param local the local clock (Date.now by default) */
  constructor(private readonly local: () => number = Date.now) {}

  /** The server's time now, in epoch milliseconds. */
  now(): number {
    return this.local() + this.offsetMs;
  }

  /** The current offset (server minus local), in milliseconds. */
  get offset(): number {
    return this.offsetMs;
  }

  /**
   * Learns the offset from a `Date` header. The header has one-second resolution, so offsets within a second of
   * the current one are ignored rather than making the clock jitter.
   */
  observe(dateHeader: string | undefined): void {
    if (dateHeader === undefined) return;
    const server = Date.parse(dateHeader);
    if (Number.isNaN(server)) return;
    const offset = server - this.local();
    if (Math.abs(offset - this.offsetMs) >= 1_000) this.offsetMs = offset;
  }
}
