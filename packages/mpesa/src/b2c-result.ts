import { runSchema, type ParseResult } from './parse-result.js';
import { resultEnvelopeSchema, toBase, type AsyncResultBase } from './result-envelope.js';
import { parseNairobiDottedDate } from './timestamp.js';
import { paramNumber, paramString } from './zod-fields.js';

/** A parsed B2C result (refund/payout path). */
export interface B2cResult extends AsyncResultBase {
  succeeded: boolean;
  amount?: number;
  receipt?: string;
  /** `TransactionCompletedDateTime` as sent (`DD.MM.YYYY HH:mm:ss`, Nairobi). */
  completedDateTime?: string;
  /** `completedDateTime` as an instant, when well-formed. */
  completedAt?: Date;
  /** `"254700000008 - NAME"`: personal data. */
  receiverPartyPublicName?: string;
  recipientIsRegistered?: boolean;
}

/** Parses a B2C result callback (`{Result: ...}`); `ResultCode` may be a number or a string. */
export function parseB2cResult(body: unknown): ParseResult<B2cResult> {
  const parsed = runSchema(resultEnvelopeSchema, body);
  if (!parsed.ok) return parsed;
  const base = toBase(parsed.value);
  const p = base.parameters;
  const value: B2cResult = { ...base, succeeded: base.resultCode === '0' };
  const amount = paramNumber(p, 'TransactionAmount');
  if (amount !== undefined) value.amount = amount;
  const receipt = paramString(p, 'TransactionReceipt');
  if (receipt !== undefined) value.receipt = receipt;
  const completed = paramString(p, 'TransactionCompletedDateTime');
  if (completed !== undefined) {
    value.completedDateTime = completed;
    const at = parseNairobiDottedDate(completed);
    if (at) value.completedAt = at;
  }
  const receiver = paramString(p, 'ReceiverPartyPublicName');
  if (receiver !== undefined) value.receiverPartyPublicName = receiver;
  const registered = paramString(p, 'B2CRecipientIsRegisteredCustomer');
  if (registered !== undefined) value.recipientIsRegistered = registered === 'Y';
  return { ok: true, value };
}
