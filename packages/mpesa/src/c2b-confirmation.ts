import { z } from 'zod';
import { runSchema, type ParseResult } from './parse-result.js';
import { idLike, numberish } from './zod-fields.js';

const optionalText = z.union([z.string(), z.number()]).transform(String).optional();

const c2bSchema = z.object({
  TransactionType: z.string(),
  TransID: idLike,
  TransTime: idLike,
  TransAmount: numberish,
  BusinessShortCode: idLike,
  BillRefNumber: optionalText,
  InvoiceNumber: optionalText,
  OrgAccountBalance: z.union([numberish, z.literal('')]).optional(),
  ThirdPartyTransID: optionalText,
  MSISDN: z.union([z.string(), z.number()]).transform(String),
  FirstName: optionalText,
  MiddleName: optionalText,
  LastName: optionalText,
});

/** A parsed C2B (paybill/till) confirmation or validation request. */
export interface C2bConfirmation {
  transactionType: string;
  transId: string;
  /** `YYYYMMDDHHmmss` Nairobi time. */
  transTime: string;
  /** Shillings; Safaricom sends a string like `"5.00"`. */
  amount: number;
  businessShortCode: string;
  billRefNumber: string;
  invoiceNumber: string;
  orgAccountBalance?: number;
  thirdPartyTransId: string;
  /** Opaque: Safaricom masks or hashes it (`2547 ***** 000`). Never treat it as a phone number. */
  msisdn: string;
  firstName: string;
  middleName: string;
  lastName: string;
}

/** Parses a C2B confirmation (or validation) body. */
export function parseC2bConfirmation(body: unknown): ParseResult<C2bConfirmation> {
  const parsed = runSchema(c2bSchema, body);
  if (!parsed.ok) return parsed;
  const b = parsed.value;
  const value: C2bConfirmation = {
    transactionType: b.TransactionType,
    transId: b.TransID,
    transTime: b.TransTime,
    amount: b.TransAmount,
    businessShortCode: b.BusinessShortCode,
    billRefNumber: b.BillRefNumber ?? '',
    invoiceNumber: b.InvoiceNumber ?? '',
    thirdPartyTransId: b.ThirdPartyTransID ?? '',
    msisdn: b.MSISDN,
    firstName: b.FirstName ?? '',
    middleName: b.MiddleName ?? '',
    lastName: b.LastName ?? '',
  };
  if (typeof b.OrgAccountBalance === 'number') value.orgAccountBalance = b.OrgAccountBalance;
  return { ok: true, value };
}
