/** Product use cases: the rules, the store calls and the events, all inside the caller's tenant transaction. */
import { randomUUID } from 'node:crypto';
import * as store from '../store/product.store.js';
import type { Ctx } from './context.js';
import { emit } from './events.js';
import type { NewProduct, Product, ProductPatch } from './product.js';

/** proto3 int64 has no null: the event carries -1 for "unlimited stock". */
export const UNLIMITED_STOCK = -1n;

export interface Changed {
  product: Product;
  /** Outbox ids to hand to the relay after commit. */
  eventIds: string[];
}

export async function createProduct(ctx: Ctx, input: NewProduct): Promise<Changed> {
  const product = await store.insertProduct(ctx.tx, ctx.tenantId, randomUUID(), input);
  const eventId = await emit(ctx, 'catalog.product.created', {
    productId: product.id,
    name: product.name,
    priceCents: BigInt(product.priceCents),
    currency: product.currency,
    published: product.published,
    stock: product.stock === null ? UNLIMITED_STOCK : BigInt(product.stock),
  });
  return { product, eventIds: [eventId] };
}

/** null when the product does not exist in this tenant. A price change emits `catalog.product.price_changed`. */
export async function updateProduct(ctx: Ctx, id: string, patch: ProductPatch): Promise<Changed | null> {
  const before = await store.findProduct(ctx.tx, ctx.tenantId, id, { forUpdate: true });
  if (!before) return null;
  const product = await store.updateProduct(ctx.tx, ctx.tenantId, id, patch);
  const eventIds: string[] = [];
  if (product.priceCents !== before.priceCents) {
    eventIds.push(
      await emit(ctx, 'catalog.product.price_changed', {
        productId: id,
        oldPriceCents: BigInt(before.priceCents),
        newPriceCents: BigInt(product.priceCents),
        currency: product.currency,
      }),
    );
  }
  return { product, eventIds };
}
