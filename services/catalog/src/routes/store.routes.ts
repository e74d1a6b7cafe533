/** Storefront reads for shoppers: published products only (GET /v1/store/products). */
import { withTenant } from '@duka/db';
import type { App } from '@duka/http';
import { decodeCursor, page } from '../domain/cursor.js';
import { storeProductDto } from '../domain/product.js';
import { errors } from '../errors.js';
import { listProducts } from '../store/product.store.js';
import type { RouteDeps } from './deps.js';
import { listQuery } from './products.routes.js';

// Shoppers page and sort, but may not ask for unpublished rows.
const storeQuery = listQuery.omit({ published: true });

export function storeRoutes(app: App, deps: RouteDeps): void {
  app.get('/v1/store/products', { config: { permission: 'public' }, schema: { querystring: storeQuery } }, async (request) => {
    const tenantId = request.principal?.tid;
    if (!tenantId) throw errors.CATALOG_TENANT_REQUIRED('The storefront needs a tenant (Host or X-Tenant-ID)');
    const q = request.query;
    const after = q.cursor ? decodeCursor(q.cursor, q.sort) : null;
    if (q.cursor && !after) throw errors.CATALOG_INVALID_CURSOR();
    const rows = await withTenant(deps.pool, tenantId, (tx) =>
      listProducts(tx, tenantId, { sort: q.sort, limit: q.limit, after, published: true }),
    );
    const { items, nextCursor } = page(rows, q.limit, q.sort);
    return { items: items.map(storeProductDto), nextCursor };
  });
}
