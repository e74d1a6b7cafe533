/** SQL for catalog.products. Every function runs inside the caller's withTenant transaction (RLS does the rest). */
import { sql, type Tx } from '@duka/db';
import { z } from 'zod';
import type { CursorKey, Sort } from '../domain/cursor.js';
import type { NewProduct, Product, ProductPatch } from '../domain/product.js';

const productRow = z.object({
  id: z.string(),
  tenant_id: z.string(),
  name: z.string(),
  price_cents: z.number().int(),
  currency: z.literal('KES'),
  published: z.boolean(),
  stock: z.number().int().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});

const columns = sql.fragment`id, tenant_id, name, price_cents, currency, published, stock, created_at, updated_at`;

function toProduct(r: z.infer<typeof productRow>): Product {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    priceCents: r.price_cents,
    currency: r.currency,
    published: r.published,
    stock: r.stock,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function insertProduct(tx: Tx, tenantId: string, id: string, p: NewProduct): Promise<Product> {
  const row = await tx.one(sql.type(productRow)`
    insert into catalog.products (id, tenant_id, name, price_cents, currency, published, stock)
    values (${id}, ${tenantId}, ${p.name}, ${p.priceCents}, ${p.currency}, ${p.published}, ${p.stock})
    returning ${columns}`);
  return toProduct(row);
}

export async function findProduct(tx: Tx, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<Product | null> {
  const lock = opts.forUpdate ? sql.fragment`for update` : sql.fragment``;
  const row = await tx.maybeOne(sql.type(productRow)`
    select ${columns} from catalog.products where tenant_id = ${tenantId} and id = ${id} ${lock}`);
  return row ? toProduct(row) : null;
}

/**
 * Loads products by id. `lockLimited` first locks those with limited stock (in id order, so two holders never
 * deadlock) until commit; unlimited ones are not locked, so their checkouts never wait for each other.
 */
export async function findProducts(tx: Tx, tenantId: string, ids: readonly string[], opts: { lockLimited?: boolean } = {}): Promise<Product[]> {
  if (ids.length === 0) return [];
  const idList = sql.array([...ids], 'uuid');
  if (opts.lockLimited) {
    await tx.query(sql.unsafe`
      select id from catalog.products where tenant_id = ${tenantId} and id = any(${idList}) and stock is not null
      order by id for update`);
  }
  const rows = await tx.any(sql.type(productRow)`
    select ${columns} from catalog.products
    where tenant_id = ${tenantId} and id = any(${idList})`);
  return rows.map(toProduct);
}

export interface ListQuery {
  sort: Sort;
  limit: number;
  after: CursorKey | null;
  published?: boolean | undefined;
}

/** One page (plus one row, to know whether there is a next page) in keyset order. */
export async function listProducts(tx: Tx, tenantId: string, q: ListQuery): Promise<Product[]> {
  const desc = q.sort === '-createdAt';
  const conditions = [sql.fragment`tenant_id = ${tenantId}`];
  if (q.published !== undefined) conditions.push(sql.fragment`published = ${q.published}`);
  if (q.after) {
    // Epoch ms -> timestamptz without floating-point division: created_at is stored at millisecond precision.
    const at = sql.fragment`(timestamptz 'epoch' + ${q.after.createdAt}::bigint * interval '1 millisecond')`;
    conditions.push(
      desc
        ? sql.fragment`(created_at, id) < (${at}, ${q.after.id}::uuid)`
        : sql.fragment`(created_at, id) > (${at}, ${q.after.id}::uuid)`,
    );
  }
  const order = desc ? sql.fragment`created_at desc, id desc` : sql.fragment`created_at asc, id asc`;
  const rows = await tx.any(sql.type(productRow)`
    select ${columns} from catalog.products
    where ${sql.join(conditions, sql.fragment` and `)}
    order by ${order}
    limit ${q.limit + 1}`);
  return rows.map(toProduct);
}

export async function updateProduct(tx: Tx, tenantId: string, id: string, patch: ProductPatch): Promise<Product> {
  const sets = [sql.fragment`updated_at = date_trunc('milliseconds', now())`];
  if (patch.name !== undefined) sets.push(sql.fragment`name = ${patch.name}`);
  if (patch.priceCents !== undefined) sets.push(sql.fragment`price_cents = ${patch.priceCents}`);
  if (patch.published !== undefined) sets.push(sql.fragment`published = ${patch.published}`);
  if (patch.stock !== undefined) sets.push(sql.fragment`stock = ${patch.stock}`);
  const row = await tx.one(sql.type(productRow)`
    update catalog.products set ${sql.join(sets, sql.fragment`, `)}
    where tenant_id = ${tenantId} and id = ${id}
    returning ${columns}`);
  return toProduct(row);
}
