/**
 * Token shapes (DESIGN §6, docs/SERVICES-BRIEF.md): the access token's claims and the refresh token's format.
 * No I/O: signing happens in src/signing.ts, storage in the session store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { isUuid } from '@duka/db';

export const tokenIssuer = 'duka-identity';
export const tokenAudience = 'duka';

export type Role = 'owner' | 'staff' | 'viewer';

export interface AccessClaims {
  sub: string;
  tid: string;
  role: Role;
  sid: string;
  amr: string[];
}

/**
 * A refresh token is `<tenant id>.<32 random bytes, base64url>`: the tenant part lets the refresh route find the
 * right tenant without a Host header; only the SHA-256 of the whole token is stored.
 */
export function newRefreshToken(tenantId: string): { token: string; hash: string } {
  const token = `${tenantId}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The tenant a refresh token belongs to, or null when the token is malformed. */
export function refreshTokenTenant(token: string): string | null {
  const [tenantId, secret, ...rest] = token.split('.');
  if (rest.length > 0 || !isUuid(tenantId) || !secret || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return tenantId;
}
