/**
 * "Log out everywhere" (POST /v1/auth/logout-all): revokes every session of the tenant and tells the gateway,
 * through KV `auth_revocations` (`<tenant>` = not-before ms), to refuse access tokens issued before now.
 */
import { withTenant } from '@duka/db';
import type { Ctx, IdentityDeps } from '../context.js';
import { emit } from '../events.js';
import { revokeAllSessions } from '../store/session.store.js';

export async function logoutAll(ctx: Ctx, deps: IdentityDeps): Promise<void> {
  const tenantId = ctx.tenantId;
  const notBeforeMs = Date.now();
  const origin = { tenantId, requestId: ctx.requestId, sourceIp: ctx.sourceIp, actor: ctx.actor };
  const eventId = await withTenant(deps.pool, tenantId, async (tx) => {
    await revokeAllSessions(tx, 'logout_all');
    // Before commit, so a failure to reach NATS leaves nothing half done.
    await deps.kv.revocations.put(tenantId, String(notBeforeMs));
    return emit(tx, 'identity.sessions.revoked', origin, { userId: '', notBeforeMs: BigInt(notBeforeMs) });
  });
  await deps.relay.publish(tenantId, [eventId]);
}
