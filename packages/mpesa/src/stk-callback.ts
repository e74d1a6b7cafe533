import { z } from 'zod';
import { runSchema, type ParseResult } from './parse-result.js';
import { idLike, resultCodeField } from './zod-fields.js';

const item = z.object({
  Name: z.string(),
  Value: z.union([z.string(), z.number()]).optional(),
});

// Safaricom's body: unknown extra fields are tolerated (stripped); the Body.stkCallback envelope is required.
const stkCallbackSchema = z.object({
  Body: z.object({
    stkCallback: z.object({
      MerchantRequestID: z.string().min(1),
      CheckoutRequestID: z.string().min(1),
      ResultCode: resultCodeField,
      ResultDesc: z.string(),
      CallbackMetadata: z
        .object({ Item: z.union([z.array(item), item.transform((i) => [i])]).optional() })
        .optional(),
    }),
  }),
});

/** Values from `CallbackMetadata.Item`, read by `Name`; each may be missing (failures carry no metadata at all). */
export interface StkCallbackMetadata {
  /** Amount paid in shillings (`1.00` arrives as the number 1). */
  amount?: number;
  /** M-Pesa receipt (`MpesaReceiptNumber`): personal data, store encrypted or masked. */
  receipt?: string;
  /** `TransactionDate` as Daraja's `YYYYMMDDHHmmss` Nairobi time, kept as a string (it arrives as a number). */
  transactionDate?: string;
  /** Paying MSISDN as digits (`2547XXXXXXXX`), as Safaricom sent it: personal data. */
  phone?: string;
}

/** A parsed STK push callback. `resultCode` is always a string ("0" for success). */
export interface StkCallback {
  merchantRequestId: string;
  /** Ends with the shopper's phone number: personal data in logs. */
  checkoutRequestId: string;
  resultCode: string;
  resultDesc: string;
  metadata: StkCallbackMetadata;
}

function readMetadata(items: ReadonlyArray<z.infer<typeof item>>): StkCallbackMetadata {
  const byName = new Map<string, string | number | undefined>();
  for (const i of items) byName.set(i.Name, i.Value);
  const meta: StkCallbackMetadata = {};
  const amount = byName.get('Amount');
  if (typeof amount === 'number') meta.amount = amount;
  else if (typeof amount === 'string' && /^\d+(\.\d+)?$/.test(amount.trim())) meta.amount = Number(amount);
  const receipt = byName.get('MpesaReceiptNumber');
  if (receipt !== undefined) meta.receipt = String(receipt);
  const date = byName.get('TransactionDate');
  if (date !== undefined) meta.transactionDate = idLike.parse(date);
  const phone = byName.get('PhoneNumber');
  if (phone !== undefined) meta.phone = idLike.parse(phone);
  return meta;
}

/**
 * Parses and validates an STK push callback body (`{Body: {stkCallback: ...}}`) as Safaricom sends it.
 * Never throws: returns `{ok: false, issues}` when the envelope or a required field is missing or malformed.
 */
export function parseStkCallback(body: unknown): ParseResult<StkCallback> {
  const parsed = runSchema(stkCallbackSchema, body);
  if (!parsed.ok) return parsed;
  const cb = parsed.value.Body.stkCallback;
  return {
    ok: true,
    value: {
      merchantRequestId: cb.MerchantRequestID,
      checkoutRequestId: cb.CheckoutRequestID,
      resultCode: cb.ResultCode,
      resultDesc: cb.ResultDesc,
      metadata: readMetadata(cb.CallbackMetadata?.Item ?? []),
    },
  };
}
