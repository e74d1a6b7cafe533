import { runSchema, type ParseResult } from './parse-result.js';
import { resultEnvelopeSchema, toBase, type AsyncResultBase } from './result-envelope.js';
import { paramNumber, paramString } from './zod-fields.js';

/** A parsed reversal result (refund path). `resultCode` may be alphanumeric (`R000002`). */
export interface ReversalResult extends AsyncResultBase {
  succeeded: boolean;
  amount?: number;
  originalTransactionId?: string;
  /** `TransCompletedTime` as `YYYYMMDDHHmmss` (Nairobi); it arrives as a number. */
  completedTime?: string;
  charge?: number;
}

/** Parses a reversal result callback (`{Result: ...}`). */
export function parseReversalResult(body: unknown): ParseResult<ReversalResult> {
  const parsed = runSchema(resultEnvelopeSchema, body);
  if (!parsed.ok) return parsed;
  const base = toBase(parsed.value);
  const p = base.parameters;
  const value: ReversalResult = { ...base, succeeded: base.resultCode === '0' };
  const amount = paramNumber(p, 'Amount');
  if (amount !== undefined) value.amount = amount;
  const original = paramString(p, 'OriginalTransactionID');
  if (original !== undefined) value.originalTransactionId = original;
  const completed = paramString(p, 'TransCompletedTime');
  if (completed !== undefined) value.completedTime = completed;
  const charge = paramNumber(p, 'Charge');
  if (charge !== undefined) value.charge = charge;
  return { ok: true, value };
}
