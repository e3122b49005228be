/**
 * Simulated time shared by stand-ins. It follows the real clock until a test freezes or advances it, so a
 * stand-in that ages deployments, tokens or signatures can be moved forward without waiting.
 */
export class Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  /** @param start when given, the clock starts frozen at this epoch-millisecond instant. */
  constructor(start?: number | Date) {
    if (start !== undefined) this.frozenAt = typeof start === 'number' ? start : start.getTime();
  }

  /** The simulated time in epoch milliseconds. */
  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  /** The simulated time as a Date. */
  date(): Date {
    return new Date(this.now());
  }

  /** Moves the simulated time forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  /** Stops the clock at `at` (default: the current simulated time); only `advance` moves it afterwards. */
  freeze(at: number | Date = this.now()): void {
    this.frozenAt = typeof at === 'number' ? at : at.getTime();
  }

  /** Lets the clock follow real time again, keeping the current simulated instant as the starting point. */
  resume(): void {
    if (this.frozenAt === undefined) return;
    this.offsetMs = this.frozenAt - Date.now();
    this.frozenAt = undefined;
  }
}
