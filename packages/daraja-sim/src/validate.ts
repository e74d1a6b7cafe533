import { parseNairobiTimestamp, stkPassword } from '@duka/mpesa';

/** Settings the validators check requests against. */
export interface Credentials {
  shortcode: string;
  passkey: string;
}

type Body = Record<string, unknown>;

const MSISDN = /^254[17]\d{8}$/;
const SHORTCODE = /^\d{5,7}$/;
const TRANSACTION_TYPES = new Set(['CustomerPayBillOnline', 'CustomerBuyGoodsOnline']);

const asText = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? v.toFixed(0) : null;

function checkCommon(body: Body, creds: Credentials): string | null {
  const shortcode = asText(body.BusinessShortCode);
  if (shortcode === null || !SHORTCODE.test(shortcode) || shortcode !== creds.shortcode) return 'BusinessShortCode';
  const timestamp = asText(body.Timestamp);
  const password = typeof body.Password === 'string' ? body.Password : null;
  if (password === null || password === '') return 'Password';
  if (timestamp === null || parseNairobiTimestamp(timestamp) === null) return 'Timestamp';
  if (password !== stkPassword(shortcode, creds.passkey, timestamp)) return 'Password';
  return null;
}

/** Validates an STK push body the way Daraja does. Returns the first invalid field's name, or `null`. */
export function invalidStkPushField(body: Body, creds: Credentials): string | null {
  const common = checkCommon(body, creds);
  if (common) return common;
  const type = body.TransactionType;
  if (typeof type !== 'string' || !TRANSACTION_TYPES.has(type)) return 'TransactionType';
  const amountText = asText(body.Amount);
  const amount = amountText !== null && /^\d+$/.test(amountText) ? Number(amountText) : NaN;
  if (!Number.isInteger(amount) || amount < 1 || amount > 250_000) return 'Amount';
  const partyA = asText(body.PartyA);
  if (partyA === null || !MSISDN.test(partyA)) return 'PartyA';
  const partyB = asText(body.PartyB);
  if (partyB === null || !SHORTCODE.test(partyB)) return 'PartyB';
  if (type === 'CustomerPayBillOnline' && partyB !== creds.shortcode) return 'PartyB';
  const phone = asText(body.PhoneNumber);
  if (phone === null || !MSISDN.test(phone)) return 'PhoneNumber';
  const callback = body.CallBackURL;
  if (typeof callback !== 'string' || !isHttpUrl(callback)) return 'CallBackURL';
  const ref = body.AccountReference;
  if (typeof ref !== 'string' || ref.length < 1 || ref.length > 12) return 'AccountReference';
  const desc = body.TransactionDesc;
  if (typeof desc !== 'string' || desc.length < 1 || desc.length > 13) return 'TransactionDesc';
  return null;
}

/** Validates an STK query body. Returns the first invalid field's name, or `null`. */
export function invalidStkQueryField(body: Body, creds: Credentials): string | null {
  const common = checkCommon(body, creds);
  if (common) return common;
  if (typeof body.CheckoutRequestID !== 'string' || body.CheckoutRequestID === '') return 'CheckoutRequestID';
  return null;
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
