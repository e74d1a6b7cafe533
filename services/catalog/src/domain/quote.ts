/**
 * Pricing a quote for payments (rpc.catalog.quote). Pure rules: the responder loads the products and asks here.
 *
 * A plain quote checks stock; a quote with a reservation id also holds it (rpc/quote.responder.ts, the holds in
 * store/stock-hold.store.ts), so two checkouts cannot both take the last unit.
 */
import type { Product } from './product.js';

export const MAX_QUANTITY = 100n;
export const MAX_ITEMS = 100;

/** The pinned codes (SERVICES-BRIEF), plus CATALOG_UNAVAILABLE for a fault on our side (retryable, not the shopper's). */
export type QuoteErrorCode =
  | 'PRODUCT_NOT_FOUND'
  | 'PRODUCT_UNAVAILABLE'
  | 'OUT_OF_STOCK'
  | 'INVALID_QUANTITY'
  | 'INVALID_REQUEST'
  | 'CATALOG_UNAVAILABLE';

export interface QuoteItem {
  productId: string;
  quantity: bigint;
}

export interface QuoteLine {
  productId: string;
  name: string;
  quantity: bigint;
  unitPriceCents: bigint;
  lineTotalCents: bigint;
}

export type Quote =
  | { ok: true; lines: QuoteLine[]; totalCents: bigint; currency: 'KES' }
  | { ok: false; errorCode: QuoteErrorCode; errorDetail: string };

const refuse = (errorCode: QuoteErrorCode, errorDetail: string): Quote => ({ ok: false, errorCode, errorDetail });

/** Checks the shape of the items before any product is loaded; null when they are acceptable. */
export function checkItems(items: readonly QuoteItem[], isUuid: (v: string) => boolean): Quote | null {
  if (items.length === 0) return refuse('INVALID_REQUEST', 'items must not be empty');
  if (items.length > MAX_ITEMS) return refuse('INVALID_REQUEST', `at most ${MAX_ITEMS} items`);
  for (const [i, item] of items.entries()) {
    if (item.quantity < 1n || item.quantity > MAX_QUANTITY) {
      return refuse('INVALID_QUANTITY', `items[${i}].quantity must be between 1 and ${MAX_QUANTITY}`);
    }
    // A malformed id cannot name a product of this tenant.
    if (!isUuid(item.productId)) return refuse('PRODUCT_NOT_FOUND', `items[${i}].productId is not a product`);
  }
  return null;
}

/** Units wanted of each product (repeated lines of one product add up). */
export function wantedUnits(items: readonly QuoteItem[]): Map<string, bigint> {
  const wanted = new Map<string, bigint>();
  for (const item of items) wanted.set(item.productId, (wanted.get(item.productId) ?? 0n) + item.quantity);
  return wanted;
}

/**
 * Prices `items` against the tenant's `products` (already loaded by id). `stockHeld`: this payment already holds
 * its stock (a repeated reservation), so the stock left for others is not its concern.
 */
export function priceQuote(items: readonly QuoteItem[], products: ReadonlyMap<string, Product>, opts: { stockHeld?: boolean } = {}): Quote {
  const wanted = wantedUnits(items);
  for (const [i, item] of items.entries()) {
    const p = products.get(item.productId);
    if (!p) return refuse('PRODUCT_NOT_FOUND', `items[${i}].productId ${item.productId} does not exist`);
    if (!p.published) return refuse('PRODUCT_UNAVAILABLE', `items[${i}].productId ${item.productId} is not for sale`);
    // Repeated lines of one product count together against its stock.
    if (!opts.stockHeld && p.stock !== null && BigInt(p.stock) < wanted.get(item.productId)!) {
      return refuse('OUT_OF_STOCK', `items[${i}].productId ${item.productId} has not enough stock`);
    }
  }
  const lines = items.map((item) => {
    const p = products.get(item.productId)!;
    const unit = BigInt(p.priceCents);
    return { productId: p.id, name: p.name, quantity: item.quantity, unitPriceCents: unit, lineTotalCents: unit * item.quantity };
  });
  return { ok: true, lines, totalCents: lines.reduce((sum, l) => sum + l.lineTotalCents, 0n), currency: 'KES' };
}
