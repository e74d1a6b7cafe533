/**
 * The secret token in a callback URL (SERVICES-BRIEF payments/webhook-ingest):
 * base64url(HMAC-SHA256(namedKey('mpesa-callback'), `${tenantId}:${intentId}`)). Daraja does not sign callbacks;
 * this token, the source allow-list and payments' STK query are what we trust.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function callbackToken(key: Buffer, tenantId: string, intentId: string): string {
  return createHmac('sha256', key).update(`${tenantId}:${intentId}`).digest('base64url');
}

/**
 * Token of the per-tenant URLs of the other kinds (`/mpesa/<kind>/<tenant>/<token>`: c2b, b2c, reversal, status),
 * which name no intent: HMAC of `${tenantId}:${kind}`. A UUID never equals a kind name, so the two forms cannot
 * be swapped for each other.
 */
export function kindCallbackToken(key: Buffer, tenantId: string, kind: string): string {
  return callbackToken(key, tenantId, kind);
}

/** Constant-time check of a token taken from the URL; `subject` is the intent id (STK) or the kind. */
export function verifyCallbackToken(key: Buffer, tenantId: string, subject: string, token: string): boolean {
  const expected = Buffer.from(callbackToken(key, tenantId, subject));
  const given = Buffer.from(token);
  // Lengths are public (the token format is documented); only the content comparison must not leak.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
