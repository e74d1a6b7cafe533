/** Owner-panel product routes: /v1/products (DESIGN §9, SERVICES-BRIEF catalog). */
import type { FastifyRequest } from 'fastify';
import { isUuid, withTenant } from '@duka/db';
import { z, type App } from '@duka/http';
import { ctxFromPrincipal } from '../domain/context.js';
import { decodeCursor, page, sortFields } from '../domain/cursor.js';
import { productDto } from '../domain/product.js';
import { createProduct, updateProduct } from '../domain/products.js';
import { errors } from '../errors.js';
import { findProduct, listProducts } from '../store/product.store.js';
import type { RouteDeps } from './deps.js';

const name = z.string().trim().min(1).max(200);
// Prices are KES paid through M-Pesa, which takes whole shillings up to 250,000 a payment: a price that is not
// whole shillings (or more than one payment can carry) would make the product unbuyable at checkout.
const priceCents = z
  .number()
  .int()
  .positive()
  .max(25_000_000, 'must be at most 25000000 (KES 250,000, the M-Pesa limit)')
  .multipleOf(100, 'must be whole shillings (a multiple of 100 cents): M-Pesa takes whole shillings');
const stock = z.number().int().min(0).max(2_147_483_647).nullable();

export const createProductBody = z
  .object({
    name,
    priceCents,
    currency: z.literal('KES'),
    published: z.boolean().default(false),
    stock: stock.default(null),
  })
  .strict();

export const patchProductBody = z
  .object({ name: name.optional(), priceCents: priceCents.optional(), currency: z.literal('KES').optional(), published: z.boolean().optional(), stock: stock.optional() })
  .strict()
  .refine((b) => Object.keys(b).some((k) => k !== 'currency'), { message: 'nothing to change' });

export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(256).optional(),
    sort: z.enum(sortFields).default('-createdAt'),
    published: z.enum(['true', 'false']).optional(),
  })
  .strict();

const idParams = z.object({ id: z.string() }).strict();

/** The verified principal's context (the permission hook already required a signed-in user of a tenant). */
function ctxOf(request: FastifyRequest) {
  return ctxFromPrincipal(request.principal!, request.id);
}

export function productRoutes(app: App, deps: RouteDeps): void {
  app.post('/v1/products', { config: { permission: 'products:write' }, schema: { body: createProductBody } }, async (request, reply) => {
    const ctx = ctxOf(request);
    const { product, eventIds } = await withTenant(deps.pool, ctx.tenantId, (tx) => createProduct({ ...ctx, tx }, request.body));
    void deps.relay.publish(ctx.tenantId, eventIds);
    return reply.code(201).send(productDto(product));
  });

  app.get('/v1/products', { config: { permission: 'products:read' }, schema: { querystring: listQuery } }, async (request) => {
    const ctx = ctxOf(request);
    const q = request.query;
    const after = q.cursor ? decodeCursor(q.cursor, q.sort) : null;
    if (q.cursor && !after) throw errors.CATALOG_INVALID_CURSOR();
    const rows = await withTenant(deps.pool, ctx.tenantId, (tx) =>
      listProducts(tx, ctx.tenantId, { sort: q.sort, limit: q.limit, after, published: q.published === undefined ? undefined : q.published === 'true' }),
    );
    const { items, nextCursor } = page(rows, q.limit, q.sort);
    return { items: items.map(productDto), nextCursor };
  });

  app.get('/v1/products/:id', { config: { permission: 'products:read' }, schema: { params: idParams } }, async (request) => {
    const ctx = ctxOf(request);
    const { id } = request.params;
    const product = isUuid(id) ? await withTenant(deps.pool, ctx.tenantId, (tx) => findProduct(tx, ctx.tenantId, id)) : null;
    if (!product) throw errors.CATALOG_PRODUCT_NOT_FOUND();
    return productDto(product);
  });

  app.patch('/v1/products/:id', { config: { permission: 'products:write' }, schema: { params: idParams, body: patchProductBody } }, async (request) => {
    const ctx = ctxOf(request);
    const { id } = request.params;
    const changed = isUuid(id) ? await withTenant(deps.pool, ctx.tenantId, (tx) => updateProduct({ ...ctx, tx }, id, request.body)) : null;
    if (!changed) throw errors.CATALOG_PRODUCT_NOT_FOUND();
    void deps.relay.publish(ctx.tenantId, changed.eventIds);
    return productDto(changed.product);
  });
}
