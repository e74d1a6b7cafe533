import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';

export type Tx = DatabaseTransactionConnection;

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID (the shape of every tenant id). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && uuidRe.test(value);

/**
 * Runs `fn` in a transaction bound to one tenant (DESIGN §4).
 *
 * The tenant is set with `set_config(..., true)`, so it lives only as long as this transaction: a pooled
 * connection never carries a tenant into the next caller's work, and RLS sees no rows without it.
 */
export async function withTenant<T>(pool: DatabasePool, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!isUuid(tenantId)) throw new TypeError('withTenant: tenant id must be a UUID');
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`select set_config('app.current_tenant', ${tenantId}, true)`);
    return fn(tx);
  });
}
