/**
 * Refresh (POST /v1/auth/refresh): a refresh token is single use. Using it returns a new pair in the same family
 * (session); using a spent one revokes the whole family and records a security event (DESIGN §6).
 */
import { randomUUID } from 'node:crypto';
import { withTenant } from '@duka/db';
import type { Ctx, IdentityDeps } from '../context.js';
import { hashRefreshToken, newRefreshToken, refreshTokenTenant } from '../domain/tokens.js';
import { errors } from '../errors.js';
import { emit } from '../events.js';
import {
  findRefreshTokenForUpdate,
  insertRefreshToken,
  markRefreshTokenUsed,
  revokeSession,
  touchSession,
} from '../store/session.store.js';
import type { TokenPair } from './login.flow.js';

type Outcome =
  | { kind: 'rotated'; token: string; userId: string; role: 'owner' | 'staff' | 'viewer'; sessionId: string; amr: string[] }
  | { kind: 'reused'; eventId: string }
  | { kind: 'invalid' };

export async function refresh(ctx: Ctx, deps: IdentityDeps, input: { refreshToken: string }): Promise<TokenPair> {
  const tenantId = refreshTokenTenant(input.refreshToken);
  // A token of another tenant than the one the gateway resolved is refused (when one was resolved).
  if (!tenantId || (ctx.tenantId && ctx.tenantId !== tenantId)) throw errors.IDENTITY_INVALID_REFRESH_TOKEN();
  const hash = hashRefreshToken(input.refreshToken);

  // Outcomes are returned, not thrown, so the family revocation on reuse commits.
  const outcome = await withTenant(deps.pool, tenantId, async (tx): Promise<Outcome> => {
    const row = await findRefreshTokenForUpdate(tx, hash);
    if (!row) return { kind: 'invalid' };
    const now = Date.now();
    if (row.used_at !== null) {
      await revokeSession(tx, row.session_id, 'refresh_token_reuse');
      if (row.revoked_at !== null) return { kind: 'invalid' };
      const origin = { tenantId, requestId: ctx.requestId, sourceIp: ctx.sourceIp, actor: { kind: 'public' as const, id: 'public' } };
      return { kind: 'reused', eventId: await emit(tx, 'identity.login.failed', origin, { reason: 'refresh_token_reuse' }) };
    }
    if (row.revoked_at !== null || row.token_expires_at <= now || row.session_expires_at <= now || row.user_status !== 'active') {
      return { kind: 'invalid' };
    }
    await markRefreshTokenUsed(tx, row.token_id);
    await touchSession(tx, row.session_id);
    const next = newRefreshToken(tenantId);
    await insertRefreshToken(tx, { id: randomUUID(), tenantId, sessionId: row.session_id, hash: next.hash, expiresAtMs: row.session_expires_at });
    return { kind: 'rotated', token: next.token, userId: row.user_id, role: row.role, sessionId: row.session_id, amr: row.amr };
  });

  if (outcome.kind === 'reused') {
    deps.logger.warn({ tenant: tenantId, reqId: ctx.requestId }, 'refresh token reused: session family revoked');
    await deps.relay.publish(tenantId, [outcome.eventId]);
    throw errors.IDENTITY_INVALID_REFRESH_TOKEN();
  }
  if (outcome.kind === 'invalid') throw errors.IDENTITY_INVALID_REFRESH_TOKEN();
  const accessToken = await deps.signer.sign({ sub: outcome.userId, tid: tenantId, role: outcome.role, sid: outcome.sessionId, amr: outcome.amr });
  return { accessToken, refreshToken: outcome.token, expiresIn: deps.signer.ttlSeconds };
}
