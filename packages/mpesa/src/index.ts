/**
 * `@duka/mpesa`: Daraja (Safaricom M-Pesa) client, payload parsers and helpers.
 * @packageDocumentation
 */
export { normalizeKenyanPhone, toDarajaMsisdn, maskPhone, isKenyanMobileE164 } from './phone.js';
export {
  nairobiTimestamp,
  stkPassword,
  parseNairobiTimestamp,
  parseNairobiDottedDate,
  toNairobiWallClock,
} from './timestamp.js';
export type { ParseIssue, ParseResult } from './parse-result.js';
export { parseStkCallback, type StkCallback, type StkCallbackMetadata } from './stk-callback.js';
export {
  classifyStkResult,
  STK_RESULT_CODES,
  type StkClassification,
  type StkStatus,
  type StkFailureReason,
} from './stk-result.js';
export { parseStkQueryResponse, type StkQueryOutcome } from './stk-query.js';
export { parseDarajaError, isSpikeArrest, DARAJA_ERROR_CODES, type DarajaErrorEnvelope } from './sync-error.js';
export type { AsyncResultBase } from './result-envelope.js';
export { parseB2cResult, type B2cResult } from './b2c-result.js';
export { parseReversalResult, type ReversalResult } from './reversal-result.js';
export { parseTransactionStatusResult, type TransactionStatusResult } from './transaction-status.js';
export { parseC2bConfirmation, type C2bConfirmation } from './c2b-confirmation.js';
export {
  validateStkPushInput,
  toPlainText,
  STK_LIMITS,
  type StkPushInput,
  type ValidStkPush,
} from './stk-request.js';
export { TokenCache, type IssuedToken } from './token-cache.js';
export {
  DarajaError,
  DarajaInputError,
  DarajaUnavailableError,
  DarajaRateLimitedError,
  DarajaAuthError,
  DarajaRejectedError,
  DarajaTimeoutError,
  DarajaNetworkError,
  DarajaServerError,
  DarajaBadResponseError,
  type DarajaErrorCode,
} from './errors.js';
export {
  DarajaClient,
  type DarajaClientOptions,
  type DarajaBreakerOptions,
  type StkPushResult,
  type StkQueryResult,
} from './client.js';
