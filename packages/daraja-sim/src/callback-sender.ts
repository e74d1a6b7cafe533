import type { Logger } from 'pino';

/** Delivers callbacks to merchants, retrying failures with a small back-off as Safaricom does. */
export class CallbackSender {
  private readonly aborter = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly log: Logger,
    private readonly retryDelaysMs: readonly number[],
    private readonly timeoutMs = 5_000,
  ) {}

  /**
   * POSTs `body` to `url`; on a network error or a non-2xx answer retries after each of `retryDelaysMs`.
   * Resolves with whether any attempt succeeded. `tag` identifies the push in logs (never a phone number).
   */
  async deliver(url: string, body: unknown, tag: string): Promise<{ delivered: boolean; attempts: number }> {
    const payload = JSON.stringify(body);
    for (let attempt = 0; attempt <= this.retryDelaysMs.length; attempt += 1) {
      if (this.aborter.signal.aborted) return { delivered: false, attempts: attempt };
      if (attempt > 0) await this.sleep(this.retryDelaysMs[attempt - 1] ?? 0);
      if (this.aborter.signal.aborted) return { delivered: false, attempts: attempt };
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: payload,
          signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.timeoutMs)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.log.info({ merchantRequestId: tag, attempt: attempt + 1, status: res.status }, 'callback delivered');
          return { delivered: true, attempts: attempt + 1 };
        }
        this.log.warn({ merchantRequestId: tag, attempt: attempt + 1, status: res.status }, 'callback refused');
      } catch (err) {
        this.log.warn(
          { merchantRequestId: tag, attempt: attempt + 1, err: err instanceof Error ? err.name : 'error' },
          'callback failed',
        );
      }
    }
    return { delivered: false, attempts: this.retryDelaysMs.length + 1 };
  }

  /** Runs `fn` after `ms`, unless closed first. */
  schedule(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Cancels scheduled work and in-flight deliveries. */
  close(): void {
    this.aborter.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(ms, resolve));
  }
}
