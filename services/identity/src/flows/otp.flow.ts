/**
 * TOTP for owners (DESIGN §6): enrolment (setup + confirm), the second login step, and step-up (a fresh access
 * token whose `amr` has `otp`, for refunds, payout and role changes).
 */
import { withTenant } from '@duka/db';
import type { Ctx, IdentityDeps } from '../context.js';
import { errors, loginThrottled } from '../errors.js';
import { emit } from '../events.js';
import { findLiveSession } from '../store/session.store.js';
import { findTenant } from '../store/tenant.store.js';
import { findTotp, setTotpSecret } from '../store/user.store.js';
import { startSession, type TokenPair } from './login.flow.js';

function signedIn(ctx: Ctx): string {
  if (ctx.actor.kind !== 'user' || !ctx.tenantId) throw errors.UNAUTHENTICATED();
  return ctx.actor.id;
}

/** Wrong codes back off like wrong passwords (DESIGN §6), per user and per client IP. */
async function guarded(ctx: Ctx, deps: IdentityDeps, userId: string, attempt: () => Promise<boolean>): Promise<void> {
  const keys = { account: `otp:${ctx.tenantId}:${userId}`, ip: ctx.sourceIp || 'unknown' };
  const wait = await deps.throttle.retryAfter(keys);
  if (wait > 0) throw loginThrottled(wait);
  if (await attempt()) return;
  await deps.throttle.recordFailure(keys);
  throw errors.IDENTITY_INVALID_OTP();
}

export async function beginTotp(ctx: Ctx, deps: IdentityDeps): Promise<{ secret: string; otpauthUri: string }> {
  const userId = signedIn(ctx);
  const found = await withTenant(deps.pool, ctx.tenantId, async (tx) => ({ user: await findTotp(tx, userId), tenant: await findTenant(tx, ctx.tenantId) }));
  if (!found.user || !found.tenant) throw errors.UNAUTHENTICATED();
  if (found.user.totp_secret_ciphertext) throw errors.IDENTITY_TOTP_ALREADY_ENABLED();
  return deps.otp.beginEnrolment(ctx.tenantId, userId, found.tenant.slug);
}

export async function confirmTotp(ctx: Ctx, deps: IdentityDeps, input: { code: string }): Promise<void> {
  const userId = signedIn(ctx);
  const confirmed: { sealed?: string } = {};
  await guarded(ctx, deps, userId, async () => {
    const sealed = await deps.otp.confirmEnrolment(ctx.tenantId, userId, input.code);
    if (sealed) confirmed.sealed = sealed;
    return sealed !== null;
  });
  const sealed = confirmed.sealed;
  if (!sealed) throw errors.IDENTITY_INVALID_OTP();
  await withTenant(deps.pool, ctx.tenantId, (tx) => setTotpSecret(tx, userId, sealed));
}

/** Second login step: the challenge from the password step plus a current code. */
export async function loginWithOtp(ctx: Ctx, deps: IdentityDeps, input: { challenge: string; code: string }): Promise<TokenPair> {
  const challenge = await deps.otp.readChallenge(input.challenge);
  if (!challenge || (ctx.tenantId && ctx.tenantId !== challenge.tenantId)) throw errors.IDENTITY_INVALID_OTP();
  const tenantId = challenge.tenantId;
  const user = await withTenant(deps.pool, tenantId, (tx) => findTotp(tx, challenge.userId));
  const sealed = user?.status === 'active' ? user.totp_secret_ciphertext : null;
  try {
    // The per-user counter spans challenges: knowing the password must not buy unlimited guesses at the code.
    await guarded({ ...ctx, tenantId }, deps, challenge.userId, async () => !!sealed && deps.otp.check(tenantId, challenge.userId, sealed, input.code));
  } catch (err) {
    await deps.otp.failChallenge(input.challenge, challenge);
    const origin = { tenantId, requestId: ctx.requestId, sourceIp: ctx.sourceIp, actor: { kind: 'public' as const, id: 'public' } };
    const id = await withTenant(deps.pool, tenantId, (tx) => emit(tx, 'identity.login.failed', origin, { reason: 'wrong_otp' }));
    await deps.relay.publish(tenantId, [id]);
    throw err;
  }
  if (!(await deps.otp.consumeChallenge(input.challenge))) throw errors.IDENTITY_INVALID_OTP();
  return startSession({ ...ctx, tenantId }, deps, { userId: challenge.userId, role: user!.role, amr: ['pwd', 'otp'] });
}

/** Step-up: a fresh code gives a new access token of the same session with `otp` in `amr`. */
export async function stepUp(ctx: Ctx, deps: IdentityDeps, input: { code: string }, session: { sid: string; amr: string[] }): Promise<{ accessToken: string; expiresIn: number }> {
  const userId = signedIn(ctx);
  const found = await withTenant(deps.pool, ctx.tenantId, async (tx) => ({ user: await findTotp(tx, userId), session: await findLiveSession(tx, session.sid) }));
  if (!found.user || found.user.status !== 'active' || !found.session || found.session.user_id !== userId) throw errors.UNAUTHENTICATED();
  if (!found.user.totp_secret_ciphertext) throw errors.IDENTITY_TOTP_NOT_ENABLED();
  const sealed = found.user.totp_secret_ciphertext;
  await guarded(ctx, deps, userId, () => deps.otp.check(ctx.tenantId, userId, sealed, input.code));
  const amr = [...new Set([...session.amr, 'otp'])];
  const accessToken = await deps.signer.sign({ sub: userId, tid: ctx.tenantId, role: found.user.role, sid: session.sid, amr });
  return { accessToken, expiresIn: deps.signer.ttlSeconds };
}
