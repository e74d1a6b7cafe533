import { createHmac, timingSafeEqual } from 'node:crypto';

/** The URL token: base64url(HMAC-SHA256(mpesa-callback key, `${tenantId}:${intentId}`)) (docs/SERVICES-BRIEF.md). */
export function callbackToken(key: Buffer, tenantId: string, intentId: string): string {
  return createHmac('sha256', key).update(`${tenantId}:${intentId}`).digest('base64url');
}

/** `${base}/mpesa/stk/<tenantId>/<intentId>/<token>`: webhook-ingest checks the token before storing anything. */
export function stkCallbackUrl(base: string, key: Buffer, tenantId: string, intentId: string): string {
  return `${base.replace(/\/+$/, '')}/mpesa/stk/${tenantId}/${intentId}/${callbackToken(key, tenantId, intentId)}`;
}

export function callbackTokenMatches(key: Buffer, tenantId: string, intentId: string, token: string): boolean {
  const expected = Buffer.from(callbackToken(key, tenantId, intentId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
