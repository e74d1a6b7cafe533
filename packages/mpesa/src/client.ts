import CircuitBreaker from 'opossum';
import { request } from 'undici';
import { z } from 'zod';
import {
  DarajaAuthError,
  DarajaBadResponseError,
  DarajaError,
  DarajaInputError,
  DarajaNetworkError,
  DarajaRateLimitedError,
  DarajaRejectedError,
  DarajaServerError,
  DarajaTimeoutError,
  DarajaUnavailableError,
} from './errors.js';
import { classifyStkResult, type StkClassification } from './stk-result.js';
import { parseStkQueryResponse } from './stk-query.js';
import { validateStkPushInput, type StkPushInput } from './stk-request.js';
import { DARAJA_ERROR_CODES, isSpikeArrest, parseDarajaError } from './sync-error.js';
import { nairobiTimestamp, stkPassword } from './timestamp.js';
import { TokenCache, type IssuedToken } from './token-cache.js';

/** Circuit breaker settings (opossum). */
export interface DarajaBreakerOptions {
  /** Failure percentage in the rolling window that opens the circuit. Default 50. */
  errorThresholdPercentage?: number;
  /** How long the circuit stays open before one trial call. Default 30000 ms. */
  resetTimeoutMs?: number;
  /** Calls in the window before the percentage applies. Default 5. */
  volumeThreshold?: number;
  /** Rolling window length. Default 10000 ms. */
  rollingCountTimeoutMs?: number;
}

/** Settings of one Daraja app (one tenant's paybill/till). */
export interface DarajaClientOptions {
  /** `https://sandbox.safaricom.co.ke`, `https://api.safaricom.co.ke`, or the simulator. */
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** BusinessShortCode (paybill or head office). */
  shortcode: string;
  passkey: string;
  /** Per HTTP call. Default 10000 ms. */
  timeoutMs?: number;
  /** Default `CustomerPayBillOnline`. */
  transactionType?: 'CustomerPayBillOnline' | 'CustomerBuyGoodsOnline';
  /** PartyB; defaults to the shortcode (set the till number for buy goods). */
  partyB?: string;
  breaker?: DarajaBreakerOptions;
  /** First spike-arrest back-off; doubles per consecutive violation up to `maxBackoffMs`. Default 1000 ms. */
  baseBackoffMs?: number;
  /** Default 30000 ms. */
  maxBackoffMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** `stkPush` answer: accepted for processing, or a typed error. */
export type StkPushResult =
  | { ok: true; merchantRequestId: string; checkoutRequestId: string; responseCode: string; customerMessage: string }
  | { ok: false; error: DarajaError };

/** `stkQuery` answer: still pending, final (with its classification), or a typed error. */
export type StkQueryResult =
  | { ok: true; kind: 'pending' }
  | { ok: true; kind: 'final'; resultCode: string; resultDesc: string; classification: StkClassification }
  | { ok: false; error: DarajaError };

interface HttpAnswer {
  status: number;
  body: unknown;
}

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.union([z.string().regex(/^\d+$/), z.number()]).transform(Number),
});

const pushAcceptedSchema = z.object({
  MerchantRequestID: z.string().min(1),
  CheckoutRequestID: z.string().min(1),
  ResponseCode: z.union([z.string(), z.number()]).transform(String),
  ResponseDescription: z.string().optional(),
  CustomerMessage: z.string().optional(),
});

const CHECKOUT_ID = /^[A-Za-z0-9_-]{1,100}$/;

function isOpenCircuit(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EOPENBREAKER';
}

/**
 * Daraja (M-Pesa) API client for one app: OAuth token caching with single-flight refresh, one retry after an
 * invalid-token answer, time-outs, a circuit breaker, and typed results (never throws for expected failures).
 */
export class DarajaClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly transactionType: string;
  private readonly partyB: string;
  private readonly tokens: TokenCache;
  private readonly breaker: CircuitBreaker<[() => Promise<HttpAnswer>], HttpAnswer>;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private spikeStreak = 0;

  constructor(private readonly options: DarajaClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.transactionType = options.transactionType ?? 'CustomerPayBillOnline';
    this.partyB = options.partyB ?? options.shortcode;
    this.baseBackoffMs = options.baseBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.tokens = new TokenCache(() => this.issueToken(), this.now);
    const b = options.breaker ?? {};
    this.breaker = new CircuitBreaker((exchange: () => Promise<HttpAnswer>) => exchange(), {
      name: 'daraja',
      timeout: false, // each exchange has its own AbortSignal.timeout
      errorThresholdPercentage: b.errorThresholdPercentage ?? 50,
      resetTimeout: b.resetTimeoutMs ?? 30_000,
      volumeThreshold: b.volumeThreshold ?? 5,
      rollingCountTimeout: b.rollingCountTimeoutMs ?? 10_000,
      // Refusals of a bad request say nothing about Daraja's health: only transport, time-out, 5xx and rate-limit
      // failures count towards opening the circuit.
      errorFilter: (err: unknown) => err instanceof DarajaError && !err.retryable,
    });
  }

  /** True while the circuit breaker is open (calls fail fast with {@link DarajaUnavailableError}). */
  get circuitOpen(): boolean {
    return this.breaker.opened;
  }

  /** Stops the breaker's timers; call on shutdown. */
  close(): void {
    this.breaker.shutdown();
  }

  /** Sends an STK push (Lipa na M-Pesa Online) prompt to the payer's phone. */
  async stkPush(input: StkPushInput): Promise<StkPushResult> {
    const valid = validateStkPushInput(input);
    if (!valid.ok) return { ok: false, error: new DarajaInputError(valid.issues) };
    const v = valid.value;
    try {
      const answer = await this.callWithToken('/mpesa/stkpush/v1/processrequest', () => {
        const timestamp = nairobiTimestamp(new Date(this.now()));
        return {
          BusinessShortCode: this.options.shortcode,
          Password: stkPassword(this.options.shortcode, this.options.passkey, timestamp),
          Timestamp: timestamp,
          TransactionType: this.transactionType,
          Amount: v.amount,
          PartyA: v.msisdn,
          PartyB: this.partyB,
          PhoneNumber: v.msisdn,
          CallBackURL: v.callbackUrl,
          AccountReference: v.accountReference,
          TransactionDesc: v.transactionDesc,
        };
      });
      if (answer.status >= 200 && answer.status < 300) {
        const accepted = pushAcceptedSchema.safeParse(answer.body);
        if (!accepted.success) {
          return { ok: false, error: this.errorFromAnswer(answer, 'STK push') };
        }
        const a = accepted.data;
        if (a.ResponseCode !== '0') {
          return {
            ok: false,
            error: new DarajaRejectedError(`STK push not accepted (ResponseCode ${a.ResponseCode})`, {
              retryable: false,
              httpStatus: answer.status,
            }),
          };
        }
        return {
          ok: true,
          merchantRequestId: a.MerchantRequestID,
          checkoutRequestId: a.CheckoutRequestID,
          responseCode: a.ResponseCode,
          customerMessage: a.CustomerMessage ?? a.ResponseDescription ?? '',
        };
      }
      return { ok: false, error: this.errorFromAnswer(answer, 'STK push') };
    } catch (err) {
      return { ok: false, error: this.toDarajaError(err) };
    }
  }

  /** Asks Daraja for the state of an STK push. `pending` while the prompt is open; never a failure. */
  async stkQuery(checkoutRequestId: string): Promise<StkQueryResult> {
    if (!CHECKOUT_ID.test(checkoutRequestId)) {
      return {
        ok: false,
        error: new DarajaInputError([{ path: 'checkoutRequestId', message: 'must be a Daraja CheckoutRequestID' }]),
      };
    }
    try {
      const answer = await this.callWithToken('/mpesa/stkpushquery/v1/query', () => {
        const timestamp = nairobiTimestamp(new Date(this.now()));
        return {
          BusinessShortCode: this.options.shortcode,
          Password: stkPassword(this.options.shortcode, this.options.passkey, timestamp),
          Timestamp: timestamp,
          CheckoutRequestID: checkoutRequestId,
        };
      });
      const outcome = parseStkQueryResponse(answer.status, answer.body);
      switch (outcome.kind) {
        case 'pending':
          return { ok: true, kind: 'pending' };
        case 'final':
          return {
            ok: true,
            kind: 'final',
            resultCode: outcome.resultCode,
            resultDesc: outcome.resultDesc,
            classification: classifyStkResult(outcome.resultCode),
          };
        default:
          return { ok: false, error: this.errorFromAnswer(answer, 'STK query') };
      }
    } catch (err) {
      return { ok: false, error: this.toDarajaError(err) };
    }
  }

  // One authorised POST, with exactly one retry after Daraja calls the token invalid.
  private async callWithToken(path: string, buildBody: () => Record<string, unknown>): Promise<HttpAnswer> {
    let token = await this.tokens.get();
    let answer = await this.post(path, token, buildBody());
    if (this.isInvalidToken(answer)) {
      token = await this.tokens.replace(token);
      answer = await this.post(path, token, buildBody());
      if (this.isInvalidToken(answer)) {
        throw new DarajaAuthError('Daraja refused a freshly issued access token', {
          retryable: true,
          darajaErrorCode: DARAJA_ERROR_CODES.invalidToken,
          httpStatus: answer.status,
        });
      }
    }
    return answer;
  }

  private isInvalidToken(answer: HttpAnswer): boolean {
    const env = parseDarajaError(answer.body);
    return env.ok && env.value.errorCode === DARAJA_ERROR_CODES.invalidToken;
  }

  private async issueToken(): Promise<IssuedToken> {
    const basic = Buffer.from(`${this.options.consumerKey}:${this.options.consumerSecret}`).toString('base64');
    const answer = await this.exchange('GET', '/oauth/v1/generate?grant_type=client_credentials', {
      authorization: `Basic ${basic}`,
    });
    if (answer.status === 200) {
      const parsed = tokenSchema.safeParse(answer.body);
      if (parsed.success) return { token: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
      throw new DarajaBadResponseError(answer.status, 'OAuth answer without access_token/expires_in');
    }
    const env = parseDarajaError(answer.body);
    if (answer.status >= 500) throw new DarajaServerError(answer.status, env.ok ? env.value.errorCode : undefined);
    throw new DarajaAuthError('Daraja OAuth refused the consumer credentials', {
      retryable: false,
      httpStatus: answer.status,
      ...(env.ok ? { darajaErrorCode: env.value.errorCode } : {}),
    });
  }

  private post(path: string, token: string, body: Record<string, unknown>): Promise<HttpAnswer> {
    return this.exchange('POST', path, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body);
  }

  // One HTTP exchange through the circuit breaker. Transport failures, time-outs, unexplained 5xx and spike arrest
  // are thrown (and counted by the breaker); every other answer is returned for the caller to interpret.
  private async exchange(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: Record<string, unknown>,
  ): Promise<HttpAnswer> {
    try {
      return await this.breaker.fire(() => this.send(method, path, headers, body));
    } catch (err) {
      if (isOpenCircuit(err)) throw new DarajaUnavailableError();
      throw err;
    }
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: Record<string, unknown>,
  ): Promise<HttpAnswer> {
    let status: number;
    let text: string;
    try {
      const res = await request(`${this.baseUrl}${path}`, {
        method,
        headers: { accept: 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
        throw new DarajaTimeoutError(this.timeoutMs);
      }
      throw new DarajaNetworkError();
    }
    let json: unknown = undefined;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    const env = parseDarajaError(json);
    if (env.ok && isSpikeArrest(env.value.errorCode)) {
      this.spikeStreak += 1;
      throw new DarajaRateLimitedError(this.backoffMs(), env.value.errorCode, status);
    }
    this.spikeStreak = 0;
    const businessAnswer = env.ok && env.value.errorCode === DARAJA_ERROR_CODES.processing;
    if (status >= 500 && !businessAnswer) {
      throw new DarajaServerError(status, env.ok ? env.value.errorCode : undefined);
    }
    return { status, body: json };
  }

  private backoffMs(): number {
    const exp = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** Math.max(0, this.spikeStreak - 1));
    // Up to 20% jitter so many tenants do not retry in lockstep.
    return Math.round(Math.min(this.maxBackoffMs, exp * (1 + Math.random() * 0.2)));
  }

  private errorFromAnswer(answer: HttpAnswer, what: string): DarajaError {
    const env = parseDarajaError(answer.body);
    if (env.ok) {
      const { errorCode, errorMessage } = env.value;
      // 500.001.1001 on a push: another transaction holds the subscriber; worth retrying later.
      const retryable = errorCode === DARAJA_ERROR_CODES.processing || answer.status >= 500;
      return new DarajaRejectedError(`${what} refused: ${errorCode} ${errorMessage}`, {
        retryable,
        darajaErrorCode: errorCode,
        httpStatus: answer.status,
      });
    }
    return new DarajaBadResponseError(answer.status, `${what} answer not understood`);
  }

  private toDarajaError(err: unknown): DarajaError {
    if (err instanceof DarajaError) return err;
    if (isOpenCircuit(err)) return new DarajaUnavailableError();
    return new DarajaNetworkError(err);
  }
}
