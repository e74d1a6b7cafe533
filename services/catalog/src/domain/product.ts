/** A product as the domain and the API see it. Timestamps are epoch milliseconds. */
export interface Product {
  id: string;
  tenantId: string;
  name: string;
  priceCents: number;
  currency: 'KES';
  published: boolean;
  /** null = unlimited. */
  stock: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewProduct {
  name: string;
  priceCents: number;
  currency: 'KES';
  published: boolean;
  stock: number | null;
}

export interface ProductPatch {
  name?: string | undefined;
  priceCents?: number | undefined;
  published?: boolean | undefined;
  stock?: number | null | undefined;
}

/** The owner-panel view of a product. */
export function productDto(p: Product) {
  return {
    id: p.id,
    name: p.name,
    priceCents: p.priceCents,
    currency: p.currency,
    published: p.published,
    stock: p.stock,
    createdAt: new Date(p.createdAt).toISOString(),
    updatedAt: new Date(p.updatedAt).toISOString(),
  };
}

/** The storefront view: nothing a shopper should not see (no stock counts, no unpublished state). */
export function storeProductDto(p: Product) {
  return { id: p.id, name: p.name, priceCents: p.priceCents, currency: p.currency };
}
