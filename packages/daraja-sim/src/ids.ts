import { randomBytes, randomInt } from 'node:crypto';
import { toNairobiWallClock } from '@duka/mpesa';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const RECEIPT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

let counter = 0;

/** `ws_CO_<ddmmyyyyHHMMSSmmm><msisdn>`, Nairobi time, as Daraja forms CheckoutRequestIDs. */
export function checkoutRequestId(msisdn: string, at: Date): string {
  const d = toNairobiWallClock(at);
  const stamp =
    `${pad(d.getUTCDate())}${pad(d.getUTCMonth() + 1)}${d.getUTCFullYear()}` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}${pad(d.getUTCMilliseconds(), 3)}`;
  return `ws_CO_${stamp}${msisdn}`;
}

/** A MerchantRequestID shaped like Daraja's (`f1e2-4b95-a71d-b30d3cdbb7a7942864`). */
export function merchantRequestId(): string {
  const h = randomBytes(12).toString('hex');
  counter = (counter + 1) % 1_000_000;
  return `${h.slice(0, 4)}-${h.slice(4, 8)}-${h.slice(8, 12)}-${h.slice(12, 24)}${counter}`;
}

/** A test receipt: `TEST` + 6 uppercase alphanumerics. */
export function receiptNumber(): string {
  let out = 'TEST';
  for (let i = 0; i < 6; i += 1) out += RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)];
  return out;
}

/** An opaque OAuth access token. */
export function accessToken(): string {
  return randomBytes(21).toString('base64url');
}
