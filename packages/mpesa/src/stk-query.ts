import { z } from 'zod';
import { DARAJA_ERROR_CODES, parseDarajaError, type DarajaErrorEnvelope } from './sync-error.js';
import { resultCodeField } from './zod-fields.js';

/** What an STK query answer means. `pending` is never a failure: the prompt is still open. */
export type StkQueryOutcome =
  | { kind: 'pending' }
  | {
      kind: 'final';
      /** Always a string (Daraja sends `"0"` here, numbers elsewhere). */
      resultCode: string;
      resultDesc: string;
      merchantRequestId?: string;
      checkoutRequestId?: string;
    }
  | { kind: 'error'; httpStatus: number; error: DarajaErrorEnvelope }
  | { kind: 'invalid'; httpStatus: number };

const finalSchema = z.object({
  ResponseCode: z.union([z.string(), z.number()]).optional(),
  MerchantRequestID: z.string().optional(),
  CheckoutRequestID: z.string().optional(),
  ResultCode: resultCodeField,
  ResultDesc: z.string(),
});

/**
 * Interprets an STK query HTTP answer. HTTP 500 with `500.001.1001` is `pending` (the case file
 * `stk-query-pending-http500.json`); a body with `ResultCode` is `final`; any other Daraja error envelope is `error`;
 * anything unrecognisable is `invalid`.
 */
export function parseStkQueryResponse(httpStatus: number, body: unknown): StkQueryOutcome {
  const err = parseDarajaError(body);
  if (err.ok) {
    if (httpStatus === 500 && err.value.errorCode === DARAJA_ERROR_CODES.processing) return { kind: 'pending' };
    return { kind: 'error', httpStatus, error: err.value };
  }
  if (httpStatus >= 200 && httpStatus < 300) {
    const fin = finalSchema.safeParse(body);
    if (fin.success) {
      const out: StkQueryOutcome = { kind: 'final', resultCode: fin.data.ResultCode, resultDesc: fin.data.ResultDesc };
      if (fin.data.MerchantRequestID !== undefined) out.merchantRequestId = fin.data.MerchantRequestID;
      if (fin.data.CheckoutRequestID !== undefined) out.checkoutRequestId = fin.data.CheckoutRequestID;
      return out;
    }
  }
  return { kind: 'invalid', httpStatus };
}
