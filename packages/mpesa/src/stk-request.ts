import { z } from 'zod';
import { runSchema, type ParseResult } from './parse-result.js';
import { normalizeKenyanPhone } from './phone.js';

/** Daraja limits for STK push fields. */
export const STK_LIMITS = {
  minAmount: 1,
  maxAmount: 250_000,
  accountReferenceMax: 12,
  transactionDescMax: 13,
} as const;

/**
 * Reduces free text to the plain characters Daraja accepts (letters, digits, space, `-`, `_`, `.`), folding accents
 * (`Café` -> `Cafe`), collapsing spaces and truncating to `max` characters.
 */
export function toPlainText(input: string, max: number): string {
  return input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9 ._-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .trim();
}

/** What a caller asks for. */
export interface StkPushInput {
  /** Whole shillings, 1..250000. */
  amountShillings: number;
  /** The payer, E.164 (`+2547XXXXXXXX`); other Kenyan forms are normalised. */
  phoneE164: string;
  /** Where Daraja posts the result: http(s) URL. */
  callbackUrl: string;
  /** Shown to the payer; sanitised to plain characters and truncated to 12. */
  accountReference: string;
  /** Sanitised to plain characters and truncated to 13. */
  transactionDesc: string;
}

/** A checked STK push request, ready for Daraja. */
export interface ValidStkPush {
  amount: number;
  msisdn: string;
  callbackUrl: string;
  accountReference: string;
  transactionDesc: string;
}

const schema = z.object({
  amountShillings: z
    .number({ error: 'must be a number' })
    .int('must be whole shillings')
    .min(STK_LIMITS.minAmount, `must be at least ${STK_LIMITS.minAmount}`)
    .max(STK_LIMITS.maxAmount, `must be at most ${STK_LIMITS.maxAmount}`),
  phoneE164: z.string({ error: 'must be a string' }).transform((v, ctx) => {
    const e164 = normalizeKenyanPhone(v);
    // Never echo the number itself.
    if (e164 === null) {
      ctx.addIssue({ code: 'custom', message: 'must be a Kenyan mobile number' });
      return z.NEVER;
    }
    return e164.slice(1);
  }),
  callbackUrl: z.string({ error: 'must be a string' }).refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && v.length <= 1024;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL'),
  accountReference: z
    .string({ error: 'must be a string' })
    .transform((v) => toPlainText(v, STK_LIMITS.accountReferenceMax))
    .refine((v) => v.length > 0, 'must contain letters or digits'),
  transactionDesc: z
    .string({ error: 'must be a string' })
    .transform((v) => toPlainText(v, STK_LIMITS.transactionDescMax))
    .refine((v) => v.length > 0, 'must contain letters or digits'),
});

/** Validates and sanitises an STK push request before anything is sent to Daraja. */
export function validateStkPushInput(input: StkPushInput): ParseResult<ValidStkPush> {
  const parsed = runSchema(schema, input);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  return {
    ok: true,
    value: {
      amount: v.amountShillings,
      msisdn: v.phoneE164,
      callbackUrl: v.callbackUrl,
      accountReference: v.accountReference,
      transactionDesc: v.transactionDesc,
    },
  };
}
