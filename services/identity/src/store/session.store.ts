import { sql, type Tx } from '@duka/db';
import { z } from 'zod';

export async function insertSession(
  tx: Tx,
  s: { id: string; tenantId: string; userId: string; amr: string[]; expiresAtMs: number },
): Promise<void> {
  await tx.query(sql.unsafe`
    insert into identity.sessions (id, tenant_id, user_id, amr, expires_at)
    values (${s.id}, ${s.tenantId}, ${s.userId}, ${sql.array(s.amr, 'text')}, to_timestamp(${s.expiresAtMs / 1000}))`);
}

export async function insertRefreshToken(
  tx: Tx,
  t: { id: string; tenantId: string; sessionId: string; hash: string; expiresAtMs: number },
): Promise<void> {
  await tx.query(sql.unsafe`
    insert into identity.refresh_tokens (id, tenant_id, session_id, token_hash, expires_at)
    values (${t.id}, ${t.tenantId}, ${t.sessionId}, ${t.hash}, to_timestamp(${t.expiresAtMs / 1000}))`);
}

const refreshRow = z.object({
  token_id: z.string(),
  session_id: z.string(),
  used_at: z.number().nullable(),
  token_expires_at: z.number(),
  user_id: z.string(),
  amr: z.array(z.string()),
  session_expires_at: z.number(),
  revoked_at: z.number().nullable(),
  role: z.enum(['owner', 'staff', 'viewer']),
  user_status: z.enum(['active', 'disabled']),
});
export type RefreshRow = z.infer<typeof refreshRow>;

/** The refresh token with this hash and its session, locked so two uses of one token are serialised. */
export async function findRefreshTokenForUpdate(tx: Tx, hash: string): Promise<RefreshRow | null> {
  return tx.maybeOne(sql.type(refreshRow)`
    select rt.id as token_id, rt.session_id, rt.used_at, rt.expires_at as token_expires_at,
           s.user_id, s.amr, s.expires_at as session_expires_at, s.revoked_at, u.role, u.status as user_status
    from identity.refresh_tokens rt
    join identity.sessions s on s.id = rt.session_id
    join identity.users u on u.id = s.user_id
    where rt.token_hash = ${hash}
    for update of rt, s`);
}

export async function markRefreshTokenUsed(tx: Tx, tokenId: string): Promise<void> {
  await tx.query(sql.unsafe`update identity.refresh_tokens set used_at = now() where id = ${tokenId}`);
}

export async function touchSession(tx: Tx, sessionId: string): Promise<void> {
  await tx.query(sql.unsafe`update identity.sessions set last_used_at = now() where id = ${sessionId}`);
}

export async function revokeSession(tx: Tx, sessionId: string, reason: string): Promise<void> {
  await tx.query(sql.unsafe`
    update identity.sessions set revoked_at = now(), revoked_reason = ${reason}
    where id = ${sessionId} and revoked_at is null`);
}

/** Revokes every live session of the current tenant, or of one user; returns how many. */
export async function revokeAllSessions(tx: Tx, reason: string, userId?: string): Promise<number> {
  const result = await tx.query(sql.unsafe`
    update identity.sessions set revoked_at = now(), revoked_reason = ${reason}
    where revoked_at is null ${userId ? sql.fragment`and user_id = ${userId}` : sql.fragment``}`);
  return result.rowCount;
}

const liveSessionRow = z.object({ user_id: z.string() });

/** The session if it is still live (not revoked, not expired). */
export async function findLiveSession(tx: Tx, sessionId: string): Promise<z.infer<typeof liveSessionRow> | null> {
  return tx.maybeOne(sql.type(liveSessionRow)`
    select user_id from identity.sessions where id = ${sessionId} and revoked_at is null and expires_at > now()`);
}
