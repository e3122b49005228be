/**
 * Bearer tokens that expire (an EKS token after 15 minutes, a Google access token after an hour): minted on first
 * use, renewed a margin before they expire by the server's clock, and renewed at once when the server answers 401.
 */
import type { ServerClock } from './server-clock.js';

/** A token and when it stops working, in server-clock epoch milliseconds. */
export interface TokenGrant {
  token: string;
  expiresAt: number;
}

/** What a client needs from a token: the current one, and a way to drop it after a 401. */
export interface TokenProvider {
  get(): Promise<string>;
  invalidate(): void;
}

/** Options of {@link RenewingToken}. */
export interface RenewingTokenOptions {
  clock: ServerClock;
  /** Renew this long before expiry. */
  renewBeforeMs: number;
  /** Told of every new token (the action masks it). */
  onRenew?: (grant: TokenGrant, renewal: number) => void;
}

/** A token source that renews before expiry and after a 401. */
export class RenewingToken implements TokenProvider {
  private current: TokenGrant | undefined;
  private pending: Promise<TokenGrant> | undefined;
  private count = 0;

  /**
   * @param mint makes a new token at the given server time
   * @param options clock, margin and renewal hook
   */
  constructor(
    private readonly mint: (now: number) => Promise<TokenGrant>,
    private readonly options: RenewingTokenOptions,
  ) {}

  /** How many tokens were minted so far. */
  get minted(): number {
    return this.count;
  }

  /** The current token, minting a new one when there is none or it is within the margin of expiry. */
  async get(): Promise<string> {
    const now = this.options.clock.now();
    if (this.current !== undefined && now < this.current.expiresAt - this.options.renewBeforeMs)
      return this.current.token;
    // Concurrent requests share one renewal.
    this.pending ??= this.mint(now).then(
      (grant) => {
        this.count += 1;
        this.current = grant;
        this.pending = undefined;
        this.options.onRenew?.(grant, this.count);
        return grant;
      },
      (e: unknown) => {
        this.pending = undefined;
        throw e;
      },
    );
    return (await this.pending).token;
  }

  /** Forgets the current token so the next {@link get} mints one. */
  invalidate(): void {
    this.current = undefined;
  }
}
