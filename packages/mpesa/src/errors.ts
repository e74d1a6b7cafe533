import type { ParseIssue } from './parse-result.js';

/** Stable codes of the errors the Daraja client returns. */
export type DarajaErrorCode =
  | 'DARAJA_INVALID_INPUT'
  | 'DARAJA_UNAVAILABLE'
  | 'DARAJA_RATE_LIMITED'
  | 'DARAJA_AUTH_FAILED'
  | 'DARAJA_REJECTED'
  | 'DARAJA_TIMEOUT'
  | 'DARAJA_NETWORK'
  | 'DARAJA_SERVER_ERROR'
  | 'DARAJA_BAD_RESPONSE';

// Daraja's own messages name fields, not values; this is a guard should one ever echo a number or a token.
function scrub(text: string): string {
  return text.replace(/\d{7,}/g, '[redacted]').replace(/[A-Za-z0-9+/=_-]{24,}/g, '[redacted]').slice(0, 160);
}

/**
 * Base of every error the Daraja client returns (as `{ok: false, error}`). Messages never contain phone numbers,
 * secrets or tokens. `retryable` says whether the same call may be tried again later.
 */
export class DarajaError extends Error {
  readonly code: DarajaErrorCode;
  readonly retryable: boolean;
  /** Daraja's `errorCode` (e.g. `400.002.02`), when Daraja answered with its error envelope. */
  readonly darajaErrorCode: string | undefined;
  /** HTTP status of Daraja's answer, when there was one. */
  readonly httpStatus: number | undefined;

  constructor(
    code: DarajaErrorCode,
    message: string,
    opts: { retryable: boolean; darajaErrorCode?: string; httpStatus?: number; cause?: unknown },
  ) {
    super(scrub(message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable;
    this.darajaErrorCode = opts.darajaErrorCode;
    this.httpStatus = opts.httpStatus;
  }
}

/** The request was refused before calling Daraja: `issues` name the offending fields. */
export class DarajaInputError extends DarajaError {
  readonly issues: ParseIssue[];
  constructor(issues: ParseIssue[]) {
    super('DARAJA_INVALID_INPUT', `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      retryable: false,
    });
    this.issues = issues;
  }
}

/** The circuit breaker is open: Daraja failed repeatedly; the call was not attempted. */
export class DarajaUnavailableError extends DarajaError {
  constructor(cause?: unknown) {
    super('DARAJA_UNAVAILABLE', 'Daraja is unavailable (circuit open); try again later', { retryable: true, cause });
  }
}

/** Daraja's spike arrest (rate limit). Wait at least `retryAfterMs` (grows with consecutive violations). */
export class DarajaRateLimitedError extends DarajaError {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number, darajaErrorCode: string, httpStatus: number) {
    super('DARAJA_RATE_LIMITED', `Daraja spike arrest (${darajaErrorCode}); retry after ${retryAfterMs} ms`, {
      retryable: true,
      darajaErrorCode,
      httpStatus,
    });
    this.retryAfterMs = retryAfterMs;
  }
}

/** OAuth failed (bad consumer key/secret) or the token stayed invalid after one refresh. */
export class DarajaAuthError extends DarajaError {
  constructor(message: string, opts: { retryable: boolean; darajaErrorCode?: string; httpStatus?: number }) {
    super('DARAJA_AUTH_FAILED', message, opts);
  }
}

/** Daraja refused the request (`400.002.02 Bad Request - Invalid ...` and similar business answers). */
export class DarajaRejectedError extends DarajaError {
  constructor(message: string, opts: { retryable: boolean; darajaErrorCode?: string; httpStatus?: number }) {
    super('DARAJA_REJECTED', message, opts);
  }
}

/**
 * The call did not finish in time. For an STK push the outcome is unknown: Daraja may have sent the prompt.
 */
export class DarajaTimeoutError extends DarajaError {
  constructor(timeoutMs: number, cause?: unknown) {
    super('DARAJA_TIMEOUT', `Daraja did not answer within ${timeoutMs} ms`, { retryable: true, cause });
  }
}

/** The connection failed (refused, reset, DNS). */
export class DarajaNetworkError extends DarajaError {
  constructor(cause?: unknown) {
    super('DARAJA_NETWORK', 'could not reach Daraja', { retryable: true, cause });
  }
}

/** Daraja answered with a server error that is not a known business answer. */
export class DarajaServerError extends DarajaError {
  constructor(httpStatus: number, darajaErrorCode?: string, detail?: string) {
    super('DARAJA_SERVER_ERROR', `Daraja server error (HTTP ${httpStatus}${darajaErrorCode ? `, ${darajaErrorCode}` : ''}${detail ? `: ${detail}` : ''})`, {
      retryable: true,
      httpStatus,
      ...(darajaErrorCode === undefined ? {} : { darajaErrorCode }),
    });
  }
}

/** Daraja answered with something this client cannot read. */
export class DarajaBadResponseError extends DarajaError {
  constructor(httpStatus: number, what: string) {
    super('DARAJA_BAD_RESPONSE', `unexpected Daraja answer (HTTP ${httpStatus}): ${what}`, { retryable: false, httpStatus });
  }
}
