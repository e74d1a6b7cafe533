/**
 * Login (POST /v1/auth/login): password check with back-off, then a new session (refresh-token family) and an
 * access token. Unknown email and wrong password answer alike, in about the same time.
 */
import { randomUUID } from 'node:crypto';
import { isUuid, withTenant } from '@duka/db';
import type { Ctx, IdentityDeps } from '../context.js';
import { normalizeEmail } from '../domain/account.js';
import { newRefreshToken } from '../domain/tokens.js';
import { errors, loginThrottled } from '../errors.js';
import { emit } from '../events.js';
import { verifyDummy, verifyPassword } from '../passwords.js';
import { insertRefreshToken, insertSession } from '../store/session.store.js';
import { findTenant } from '../store/tenant.store.js';
import { findForLogin } from '../store/user.store.js';
import type { AccessClaims } from '../domain/tokens.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface MfaRequired {
  mfaRequired: true;
  challenge: string;
}

export async function login(ctx: Ctx, deps: IdentityDeps, input: { email: string; password: string }): Promise<TokenPair | MfaRequired> {
  const tenantId = ctx.tenantId;
  if (!isUuid(tenantId)) throw errors.IDENTITY_TENANT_REQUIRED();
  const emailIndex = await deps.keystore.blindIndex(tenantId, 'email', normalizeEmail(input.email));
  const keys = { account: `${tenantId}:${emailIndex}`, ip: ctx.sourceIp || 'unknown' };

  const wait = await deps.throttle.retryAfter(keys);
  if (wait > 0) throw loginThrottled(wait);

  const found = await withTenant(deps.pool, tenantId, async (tx) => {
    const tenant = await findTenant(tx, tenantId);
    return tenant ? { user: await findForLogin(tx, emailIndex) } : null;
  });
  const user = found?.user ?? null;
  // Verify outside the transaction: argon2 takes tens of milliseconds and must not hold a pooled connection.
  const ok = user ? await verifyPassword(user.password_hash, input.password) : (await verifyDummy(input.password), false);

  if (!user || !ok || user.status !== 'active') {
    await deps.throttle.recordFailure(keys);
    if (found) {
      const reason = !user ? 'unknown_account' : !ok ? 'wrong_password' : 'account_disabled';
      const origin = { tenantId, requestId: ctx.requestId, sourceIp: ctx.sourceIp, actor: ctx.actor };
      const id = await withTenant(deps.pool, tenantId, (tx) => emit(tx, 'identity.login.failed', origin, { reason }));
      await deps.relay.publish(tenantId, [id]);
    }
    throw errors.IDENTITY_INVALID_CREDENTIALS();
  }
  await deps.throttle.recordSuccess(keys);
  if (user.has_totp) {
    return { mfaRequired: true, challenge: await deps.otp.createChallenge({ tenantId, userId: user.id, role: user.role }) };
  }
  return startSession(ctx, deps, { userId: user.id, role: user.role, amr: ['pwd'] });
}

/** Opens a session (a new refresh-token family) for a verified user and issues the first token pair. */
export async function startSession(
  ctx: Ctx,
  deps: IdentityDeps,
  who: { userId: string; role: AccessClaims['role']; amr: string[] },
): Promise<TokenPair> {
  const tenantId = ctx.tenantId;
  const sessionId = randomUUID();
  const ttlMs = deps.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000;
  const expiresAtMs = Date.now() + ttlMs;
  const refresh = newRefreshToken(tenantId);
  const origin = { tenantId, requestId: ctx.requestId, sourceIp: ctx.sourceIp, actor: { kind: 'user' as const, id: who.userId, role: who.role } };
  const eventId = await withTenant(deps.pool, tenantId, async (tx) => {
    await insertSession(tx, { id: sessionId, tenantId, userId: who.userId, amr: who.amr, expiresAtMs });
    await insertRefreshToken(tx, { id: randomUUID(), tenantId, sessionId, hash: refresh.hash, expiresAtMs });
    return emit(tx, 'identity.user.logged_in', origin, { userId: who.userId, sessionId, amr: who.amr });
  });
  await deps.relay.publish(tenantId, [eventId]);
  const accessToken = await deps.signer.sign({ sub: who.userId, tid: tenantId, role: who.role, sid: sessionId, amr: who.amr });
  return { accessToken, refreshToken: refresh.token, expiresIn: deps.signer.ttlSeconds };
}
