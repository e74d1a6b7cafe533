/** SQL for Idempotency-Key records (DESIGN §7): the key, the request hash, the state and the first response. */
import { sql, type Tx } from '@duka/db';
import { z } from 'zod';

export const keyRow = z.object({
  scope: z.string(),
  key: z.string(),
  request_hash: z.string(),
  state: z.enum(['in_flight', 'completed']),
  intent_id: z.string().nullable(),
  response_status: z.number().nullable(),
  response_body: z.unknown(),
  updated_at: z.number(),
});
export type KeyRow = z.infer<typeof keyRow>;

export async function findKey(tx: Tx, scope: string, key: string): Promise<KeyRow | null> {
  return tx.maybeOne(sql.type(keyRow)`
    select scope, key, request_hash, state, intent_id, response_status, response_body, updated_at
    from payments.idempotency_keys where scope = ${scope} and key = ${key}`);
}

/**
 * Claims a key for a request (state `in_flight`). False when the key exists already; a racing transaction that
 * holds it uncommitted makes this wait for that transaction, so the loser sees its row.
 */
export async function claimKey(
  tx: Tx,
  k: { tenantId: string; scope: string; key: string; requestHash: string; intentId: string },
): Promise<boolean> {
  const row = await tx.maybeOne(sql.type(z.object({ key: z.string() }))`
    insert into payments.idempotency_keys (tenant_id, scope, key, request_hash, state, intent_id)
    values (${k.tenantId}, ${k.scope}, ${k.key}, ${k.requestHash}, 'in_flight', ${k.intentId})
    on conflict do nothing
    returning key`);
  return row !== null;
}

/** Stores the response to replay; only an in-flight key completes (the first answer wins). */
export async function completeKey(tx: Tx, scope: string, key: string, status: number, body: unknown): Promise<boolean> {
  const row = await tx.maybeOne(sql.type(z.object({ key: z.string() }))`
    update payments.idempotency_keys
    set state = 'completed', response_status = ${status}, response_body = ${sql.json(body as never)}, updated_at = now()
    where scope = ${scope} and key = ${key} and state = 'in_flight'
    returning key`);
  return row !== null;
}
