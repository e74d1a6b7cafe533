import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Who a request acts for, as verified by the gateway and passed to internal services (docs/CONVENTIONS.md).
 * `kind: 'public'` is a shopper or signup visitor (no token); `tid` is empty only for tenant-less routes (signup).
 */
export interface Principal {
  kind: 'user' | 'public';
  tid: string;
  sub?: string;
  role?: 'owner' | 'staff' | 'viewer';
  sid?: string;
  amr?: string[];
  ip?: string;
  iat: number;
}

const maxAgeMs = 60_000;

/** Encodes and signs a principal: returns the two header values. */
export function signPrincipal(key: Buffer, principal: Principal): { principal: string; signature: string } {
  const encoded = Buffer.from(JSON.stringify(principal)).toString('base64url');
  return { principal: encoded, signature: createHmac('sha256', key).update(encoded).digest('base64url') };
}

/** Verifies header values from the gateway; null when absent, forged or stale. */
export function verifyPrincipal(key: Buffer, encoded: unknown, signature: unknown, now = Date.now()): Principal | null {
  if (typeof encoded !== 'string' || typeof signature !== 'string') return null;
  const expected = createHmac('sha256', key).update(encoded).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const p = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Principal;
    if (typeof p.iat !== 'number' || Math.abs(now - p.iat) > maxAgeMs) return null;
    if (p.kind !== 'user' && p.kind !== 'public') return null;
    return p;
  } catch {
    return null;
  }
}
