/**
 * Last line of defence against personal data in logs: phone numbers, emails, M-Pesa receipts and
 * CheckoutRequestIDs are replaced wherever they appear in a finished log line, and fields with sensitive names
 * are hidden whole (through pino's `redact`). Patterns are bounded so that a huge line costs linear time.
 */
const patterns: Array<[RegExp, string]> = [
  [/ws_CO_[A-Za-z0-9_]{1,80}/g, '[checkout-id]'],
  [/[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g, '[email]'],
  // Kenyan mobiles in every shape shoppers type: +2547..., 2547..., 07..., 01..., with spaces or dashes.
  [/(?<![\w-])(?:\+?254|0)[\s-]?[17](?:[\s-]?\d){8}(?!\d)/g, '[phone]'],
  // Any other international number.
  [/(?<![\w-])\+\d{10,14}(?!\d)/g, '[phone]'],
  // M-Pesa receipts: ten upper-case letters and digits, at least one digit, starting with a letter.
  [/\b(?=[A-Z0-9]{10}\b)(?=[A-Z]{0,9}\d)[A-Z][A-Z0-9]{9}\b/g, '[receipt]'],
];

/** Field names whose values never reach a log, at any depth. */
const sensitiveKeys = [
  'password', 'passwordHash', 'passkey', 'secret', 'token', 'accessToken', 'refreshToken', 'authorization',
  'cookie', 'set-cookie', 'phone', 'phoneNumber', 'PhoneNumber', 'msisdn', 'MSISDN', 'email', 'receipt',
  'MpesaReceiptNumber', 'consumerSecret', 'consumerKey', 'otp', 'x-duka-principal-sig', 'idempotency-key',
];

// `"key": <string or number>` in a finished JSON line. One pass over the line, whatever the depth, instead of
// pino's path-based redaction (whose wildcards cost more than the rest of a request's logging).
const sensitiveField = new RegExp(
  `"(${sensitiveKeys.map((k) => k.replace(/[-]/g, '\\-')).join('|')})":(?:"(?:[^"\\\\]|\\\\.){0,4096}"|-?\\d[\\d.eE+-]{0,40})`,
  'gi',
);

/** Replaces personal data inside a string. */
export function scrubString(value: string): string {
  let out = value.replace(sensitiveField, '"$1":"[redacted]"');
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}

/** Returns a copy of a plain value (objects, arrays, strings) with personal data removed from its strings. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}
