/** SQL for orders and their lines. */
import { sql, type Tx } from '@duka/db';
import type { PricedLine } from '../domain/checkout.js';

export interface NewOrder {
  id: string;
  tenantId: string;
  ref: string;
  amountCents: number;
  currency: string;
  phoneCiphertext: string;
  lines: PricedLine[];
}

export async function insertOrder(tx: Tx, o: NewOrder): Promise<void> {
  await tx.query(sql.unsafe`
    insert into payments.orders (id, tenant_id, ref, amount_cents, currency, phone_ciphertext)
    values (${o.id}, ${o.tenantId}, ${o.ref}, ${o.amountCents}, ${o.currency}, ${o.phoneCiphertext})`);
  const rows = o.lines.map(
    (l, i) => sql.fragment`(${o.tenantId}, ${o.id}, ${i + 1}, ${l.productId}, ${l.name}, ${l.quantity}, ${l.unitPriceCents}, ${l.lineTotalCents})`,
  );
  await tx.query(sql.unsafe`
    insert into payments.order_lines (tenant_id, order_id, line_no, product_id, name, quantity, unit_price_cents, line_total_cents)
    values ${sql.join(rows, sql.fragment`, `)}`);
}
