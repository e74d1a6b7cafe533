import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

// Safaricom STK and C2B numbers are Kenyan mobiles: national numbers 7XXXXXXXX and 1XXXXXXXX.
const KENYAN_MOBILE_NATIONAL = /^[17]\d{8}$/;
const E164_KENYAN_MOBILE = /^\+254[17]\d{8}$/;
// What a shopper may type: digits, an optional leading plus, spaces, dashes, dots and brackets.
const TYPED_PHONE = /^\+?[\d\s\-().]+$/;

/**
 * Normalises a Kenyan mobile number as shoppers type it (`0712 345 678`, `01..`, `+254-7..`, `2547..`) to E.164
 * (`+2547XXXXXXXX` / `+2541XXXXXXXX`). Returns `null` for anything that is not a valid Kenyan mobile number.
 */
export function normalizeKenyanPhone(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed === '' || !TYPED_PHONE.test(trimmed)) return null;
  const parsed = parsePhoneNumberFromString(trimmed, 'KE');
  if (!parsed || parsed.country !== 'KE' || !parsed.isValid()) return null;
  if (!KENYAN_MOBILE_NATIONAL.test(parsed.nationalNumber)) return null;
  const type = parsed.getType();
  if (type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return null;
  return parsed.number;
}

/** True when `value` is an E.164 Kenyan mobile number as produced by {@link normalizeKenyanPhone}. */
export function isKenyanMobileE164(value: string): boolean {
  return E164_KENYAN_MOBILE.test(value);
}

/**
 * Converts an E.164 Kenyan mobile (`+254712345678`) to the MSISDN form Daraja expects (`254712345678`).
 * Throws a `RangeError` (without echoing the number) when the input is not a normalised Kenyan mobile.
 */
export function toDarajaMsisdn(e164: string): string {
  if (!isKenyanMobileE164(e164)) throw new RangeError('expected an E.164 Kenyan mobile number (+2547XXXXXXXX or +2541XXXXXXXX)');
  return e164.slice(1);
}

/**
 * Masks a phone number for logs and replies: `+254712345678` -> `+2547******78`. Anything not in E.164 Kenyan form
 * keeps only its last two digits.
 */
export function maskPhone(e164: string): string {
  if (isKenyanMobileE164(e164)) return `${e164.slice(0, 5)}${'*'.repeat(6)}${e164.slice(-2)}`;
  const digits = e164.replace(/\D/g, '');
  if (digits.length <= 2) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}
