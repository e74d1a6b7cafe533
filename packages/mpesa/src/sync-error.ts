import { z } from 'zod';
import { runSchema, type ParseResult } from './parse-result.js';

/** Daraja error codes Duka acts on. */
export const DARAJA_ERROR_CODES = {
  /** Bad request: a field is invalid (`errorMessage` names it). */
  invalidRequest: '400.002.02',
  /** OAuth: wrong consumer key/secret. */
  invalidCredentials: '400.008.01',
  /** OAuth: wrong grant type. */
  invalidGrantType: '400.008.02',
  /** Access token unknown or expired: refresh once and retry. */
  invalidToken: '404.001.03',
  /** Missing or malformed Authorization header. */
  invalidAuthHeader: '404.001.04',
  /** STK query: still being processed (pending). STK push: subscriber locked by another transaction. */
  processing: '500.001.1001',
  /** Spike arrest (rate limit): back off and retry. */
  spikeArrest: '500.003.02',
} as const;

/** Daraja's synchronous error envelope. */
export interface DarajaErrorEnvelope {
  requestId: string;
  errorCode: string;
  errorMessage: string;
}

const envelopeSchema = z
  .object({
    requestId: z.union([z.string(), z.number()]).transform(String).optional(),
    errorCode: z.union([z.string().min(1), z.number()]).transform(String),
    errorMessage: z.string(),
  })
  .transform((e) => ({ requestId: e.requestId ?? '', errorCode: e.errorCode, errorMessage: e.errorMessage }));

/** Parses Daraja's synchronous error envelope `{requestId, errorCode, errorMessage}` (`requestId` may be absent). */
export function parseDarajaError(body: unknown): ParseResult<DarajaErrorEnvelope> {
  return runSchema(envelopeSchema, body);
}

/** True for Daraja's spike-arrest (rate limit) error code `500.003.02` (`500.003.1001` is a plain server error). */
export function isSpikeArrest(errorCode: string): boolean {
  return errorCode.trim() === DARAJA_ERROR_CODES.spikeArrest;
}
