/** A freshly issued access token. */
export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

/**
 * Caches a Daraja access token until shortly before it expires, with single-flight refresh: concurrent callers share
 * one OAuth request. Daraja invalidates the previous token when a new one is issued, so two refreshes racing each
 * other would make one caller's token useless.
 */
export class TokenCache {
  private current: { token: string; refreshAt: number } | null = null;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid token: the cached one, or one from a (shared) refresh. */
  async get(): Promise<string> {
    if (this.current && this.now() < this.current.refreshAt) return this.current.token;
    return this.refresh();
  }

  /**
   * Called after Daraja refused `rejected` as invalid. Refreshes unless another caller already replaced it, in which
   * case the newer token is returned without a second OAuth call.
   */
  async replace(rejected: string): Promise<string> {
    if (this.inflight) return this.inflight;
    if (this.current && this.current.token !== rejected && this.now() < this.current.refreshAt) return this.current.token;
    this.current = null;
    return this.refresh();
  }

  /** Forgets the cached token. */
  clear(): void {
    this.current = null;
  }

  private refresh(): Promise<string> {
    if (this.inflight) return this.inflight;
    const run = (async () => {
      try {
        const issued = await this.issue();
        const ttlMs = Math.max(0, issued.expiresInSeconds * 1000);
        // Renew a minute early (or at 90% of a short lifetime) so a token never expires in flight.
        const margin = Math.min(60_000, ttlMs * 0.1);
        this.current = { token: issued.token, refreshAt: this.now() + ttlMs - margin };
        return issued.token;
      } finally {
        this.inflight = null;
      }
    })();
    this.inflight = run;
    return run;
  }
}
