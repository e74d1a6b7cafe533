/**
 * SQL for catalog.stock_holds (migration 002). Every function runs inside the caller's withTenant transaction;
 * state changes are compare-and-set on `state = 'held'`, so a repeated or late event changes nothing.
 */
import { sql, type Tx } from '@duka/db';
import { z } from 'zod';

const heldLine = z.object({ product_id: z.string(), quantity: z.number().int() });

export async function hasHolds(tx: Tx, paymentId: string): Promise<boolean> {
  const n = await tx.oneFirst(sql.type(z.object({ n: z.number() }))`
    select count(*) as n from catalog.stock_holds where payment_id = ${paymentId}`);
  return n > 0;
}

/** Takes `lines` out of stock for a payment (stock was checked under lock by the caller) and records the holds. */
export async function holdStock(
  tx: Tx,
  tenantId: string,
  paymentId: string,
  lines: ReadonlyArray<{ productId: string; quantity: number }>,
  expiresAtMs: number,
): Promise<void> {
  for (const l of lines) {
    await tx.query(sql.unsafe`
      update catalog.products set stock = stock - ${l.quantity}, updated_at = now()
      where tenant_id = ${tenantId} and id = ${l.productId} and stock is not null`);
    await tx.query(sql.unsafe`
      insert into catalog.stock_holds (tenant_id, payment_id, product_id, quantity, expires_at)
      values (${tenantId}, ${paymentId}, ${l.productId}, ${l.quantity}, to_timestamp(${expiresAtMs} / 1000.0))`);
  }
}

/** The payment exists now: keep its holds until `untilMs`. Returns how many holds were extended. */
export async function extendHolds(tx: Tx, paymentId: string, untilMs: number): Promise<number> {
  const rows = await tx.any(sql.type(heldLine)`
    update catalog.stock_holds set expires_at = greatest(expires_at, to_timestamp(${untilMs} / 1000.0)), updated_at = now()
    where payment_id = ${paymentId} and state = 'held' returning product_id, quantity`);
  return rows.length;
}

/** The payment succeeded: its held stock is sold. */
export async function sellHolds(tx: Tx, paymentId: string): Promise<number> {
  const rows = await tx.any(sql.type(heldLine)`
    update catalog.stock_holds set state = 'sold', updated_at = now()
    where payment_id = ${paymentId} and state = 'held' returning product_id, quantity`);
  return rows.length;
}

/** The payment failed (or never came to be): its held stock goes back on sale. `onlyExpired` for the sweep. */
export async function releaseHolds(tx: Tx, paymentId: string, opts: { onlyExpired?: boolean } = {}): Promise<number> {
  const expired = opts.onlyExpired ? sql.fragment`and expires_at < now()` : sql.fragment``;
  const rows = await tx.any(sql.type(heldLine)`
    update catalog.stock_holds set state = 'released', updated_at = now()
    where payment_id = ${paymentId} and state = 'held' ${expired} returning product_id, quantity`);
  for (const r of rows) {
    await tx.query(sql.unsafe`
      update catalog.products set stock = stock + ${r.quantity}, updated_at = now()
      where id = ${r.product_id} and stock is not null`);
  }
  return rows.length;
}

/** Payments whose holds expired unconfirmed, across tenants (the definer function returns ids only). */
export async function expiredHolds(pool: { any: Tx['any'] }, maxRows: number): Promise<ReadonlyArray<{ payment_id: string; tenant_id: string }>> {
  return pool.any(sql.type(z.object({ payment_id: z.string(), tenant_id: z.string() }))`
    select payment_id, tenant_id from catalog.expired_holds(${maxRows})`);
}
