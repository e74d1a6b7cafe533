import { runSchema, type ParseResult } from './parse-result.js';
import { resultEnvelopeSchema, toBase, type AsyncResultBase } from './result-envelope.js';
import { paramNumber, paramString } from './zod-fields.js';

/** A parsed transaction status result. Items without a `Value` are tolerated (they read as `undefined`). */
export interface TransactionStatusResult extends AsyncResultBase {
  /** `TransactionStatus`, e.g. `Completed`. */
  transactionStatus?: string;
  /** `Amount` (sent as a string like `"300"`). */
  amount?: number;
  receiptNo?: string;
  initiatedTime?: string;
  finalisedTime?: string;
  reasonType?: string;
  debitPartyName?: string;
}

/** Parses a transaction status result callback (`{Result: ...}`). */
export function parseTransactionStatusResult(body: unknown): ParseResult<TransactionStatusResult> {
  const parsed = runSchema(resultEnvelopeSchema, body);
  if (!parsed.ok) return parsed;
  const base = toBase(parsed.value);
  const p = base.parameters;
  const value: TransactionStatusResult = { ...base };
  const strings = [
    ['transactionStatus', 'TransactionStatus'],
    ['receiptNo', 'ReceiptNo'],
    ['initiatedTime', 'InitiatedTime'],
    ['finalisedTime', 'FinalisedTime'],
    ['reasonType', 'ReasonType'],
    ['debitPartyName', 'DebitPartyName'],
  ] as const;
  for (const [field, key] of strings) {
    const v = paramString(p, key);
    if (v !== undefined) value[field] = v;
  }
  const amount = paramNumber(p, 'Amount');
  if (amount !== undefined) value.amount = amount;
  return { ok: true, value };
}
