/**
 * Last line of defence against personal data in logs: phone numbers, emails, M-Pesa receipts and
 * CheckoutRequestIDs are replaced wherever they appear, and fields with sensitive names are hidden whole.
 */
const patterns: Array<[RegExp, string]> = [
  [/ws_CO_[A-Za-z0-9_]+/g, '[checkout-id]'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  // Kenyan mobiles in every shape shoppers type: +2547..., 2547..., 07..., 01..., with spaces or dashes.
  [/(?<![\w-])(?:\+?254|0)[\s-]?[17](?:[\s-]?\d){8}(?!\d)/g, '[phone]'],
  // Any other long run of digits that looks like an international number.
  [/(?<![\w-])\+\d{10,14}(?!\d)/g, '[phone]'],
  // M-Pesa receipts: ten upper-case letters and digits, at least one digit, starting with a letter.
  [/\b(?=[A-Z0-9]{10}\b)(?=[A-Z]*\d)[A-Z][A-Z0-9]{9}\b/g, '[receipt]'],
];

const sensitiveKey =
  /^(password|pass(word)?hash|passkey|secret|token|accesstoken|refreshtoken|authorization|cookie|set-cookie|phone|phonenumber|msisdn|email|receipt|mpesareceiptnumber|consumersecret|consumerkey|otp|code|x-duka-principal-sig)$/i;

/** Replaces personal data inside a string. */
export function scrubString(value: string): string {
  let out = value;
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}

/** Returns a copy of `value` with personal data removed, at any depth. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrubString(value.message), stack: value.stack && scrubString(value.stack) };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = sensitiveKey.test(k) && v !== undefined && v !== null ? '[redacted]' : scrub(v, depth + 1);
  }
  return out;
}
