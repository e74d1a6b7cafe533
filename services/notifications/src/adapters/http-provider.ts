import CircuitBreaker from 'opossum';
import type { SendResult } from '../domain/delivery.js';

/** A provider call that failed; `retryable` failures (network, time-out, 429, 5xx) count towards the breaker. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface BreakerSettings {
  timeoutMs: number;
  /** Failure percentage in the rolling window that opens the circuit (default 50). */
  errorThresholdPercentage?: number;
  /** How long the circuit stays open before a trial call (default 30 s). */
  resetTimeoutMs?: number;
  /** Calls in the window before the percentage applies (default 5). */
  volumeThreshold?: number;
}

export interface ProviderResponse {
  status: number;
  body: unknown;
}

/**
 * POSTs to a provider through a circuit breaker (DESIGN §7): every call has an AbortSignal time-out; transport
 * failures, time-outs, 429 and 5xx count as failures; a refusal of one message (other 4xx) does not, since it
 * says nothing about the provider's health. While the circuit is open, calls fail at once (retryable).
 */
export class HttpProvider {
  readonly #breaker: CircuitBreaker<[string, RequestInit], ProviderResponse>;
  readonly #timeoutMs: number;

  constructor(
    readonly name: string,
    settings: BreakerSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.#timeoutMs = settings.timeoutMs;
    this.#breaker = new CircuitBreaker((url: string, init: RequestInit) => this.#call(url, init), {
      name,
      timeout: false, // the AbortSignal below bounds each call
      errorThresholdPercentage: settings.errorThresholdPercentage ?? 50,
      resetTimeout: settings.resetTimeoutMs ?? 30_000,
      volumeThreshold: settings.volumeThreshold ?? 5,
      rollingCountTimeout: 10_000,
      errorFilter: (err: unknown) => err instanceof ProviderError && !err.retryable,
    });
  }

  get open(): boolean {
    return this.#breaker.opened;
  }

  async #call(url: string, init: RequestInit): Promise<ProviderResponse> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, { ...init, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (err) {
      const e = err as Error;
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      throw new ProviderError(timedOut ? `${this.name}: timed out after ${this.#timeoutMs} ms` : `${this.name}: network error (${e.name})`, true);
    }
    const text = await res.text().catch(() => '');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text for the error summary
    }
    if (res.status === 429 || res.status >= 500) throw new ProviderError(`${this.name}: HTTP ${res.status}`, true);
    return { status: res.status, body };
  }

  /** Sends and hands the response to `interpret`; failures become a SendResult, never an exception. */
  async post(url: string, init: RequestInit, interpret: (r: ProviderResponse) => SendResult): Promise<SendResult> {
    try {
      return interpret(await this.#breaker.fire(url, { ...init, method: 'POST' }));
    } catch (err) {
      if (err instanceof ProviderError) return { ok: false, error: err.message, retryable: err.retryable };
      if ((err as { code?: string }).code === 'EOPENBREAKER') return { ok: false, error: `${this.name}: circuit open`, retryable: true };
      return { ok: false, error: `${this.name}: ${(err as Error).name}`, retryable: true };
    }
  }

  close(): void {
    this.#breaker.shutdown();
  }
}

/** A short, phone-free summary of a provider's error body for the delivery row. */
export function errorSummary(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return text.replace(/\+?\d{9,15}/g, '[number]').slice(0, 200);
}
