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

/** Locks the products (in id order, like holding does: no deadlock between a hold and a release). */
async function lockProducts(tx: Tx, productIds: readonly string[]): Promise<void> {
  if (productIds.length === 0) return;
  await tx.query(sql.unsafe`
    select id from catalog.products where tenant_id = app.current_tenant() and id = any(${sql.array([...productIds], 'uuid')})
    order by id for update`);
}

const linesOf = (tx: Tx, paymentId: string, state: 'held' | 'released') =>
  tx.any(sql.type(heldLine)`select product_id, quantity from catalog.stock_holds where payment_id = ${paymentId} and state = ${state}`);

/**
 * The payment succeeded: its held stock is sold. A hold already released (it expired while the payment was still
 * open) takes its units out of sale again; what is no longer there was sold twice, and says so (`oversold`).
 */
export async function sellHolds(tx: Tx, paymentId: string): Promise<{ sold: number; oversold: Array<{ productId: string; quantity: number }> }> {
  const released = await linesOf(tx, paymentId, 'released');
  await lockProducts(tx, released.map((r) => r.product_id));
  const oversold: Array<{ productId: string; quantity: number }> = [];
  for (const r of released) {
    const taken = await tx.maybeOne(sql.type(z.object({ id: z.string() }))`
      update catalog.products set stock = stock - ${r.quantity}, updated_at = now()
      where tenant_id = app.current_tenant() and id = ${r.product_id} and stock is not null and stock >= ${r.quantity}
      returning id`);
    if (!taken) oversold.push({ productId: r.product_id, quantity: r.quantity });
  }
  const rows = await tx.any(sql.type(heldLine)`
    update catalog.stock_holds set state = 'sold', updated_at = now()
    where payment_id = ${paymentId} and state in ('held', 'released') returning product_id, quantity`);
  return { sold: rows.length, oversold };
}

/** The payment failed (or never came to be): its held stock goes back on sale. `onlyExpired` for the sweep. */
export async function releaseHolds(tx: Tx, paymentId: string, opts: { onlyExpired?: boolean } = {}): Promise<number> {
  const expired = opts.onlyExpired ? sql.fragment`and expires_at < now()` : sql.fragment``;
  await lockProducts(tx, (await linesOf(tx, paymentId, 'held')).map((r) => r.product_id));
  const rows = await tx.any(sql.type(heldLine)`
    update catalog.stock_holds set state = 'released', updated_at = now()
    where payment_id = ${paymentId} and state = 'held' ${expired} returning product_id, quantity`);
  for (const r of rows) {
    await tx.query(sql.unsafe`
      update catalog.products set stock = stock + ${r.quantity}, updated_at = now()
      where tenant_id = app.current_tenant() and id = ${r.product_id} and stock is not null`);
  }
  return rows.length;
}

/** Payments whose holds expired unconfirmed, across tenants (the definer function returns ids only). */
export async function expiredHolds(pool: { any: Tx['any'] }, maxRows: number): Promise<ReadonlyArray<{ payment_id: string; tenant_id: string }>> {
  return pool.any(sql.type(z.object({ payment_id: z.string(), tenant_id: z.string() }))`
    select payment_id, tenant_id from catalog.expired_holds(${maxRows})`);
}
