import { withTenant, type DatabasePool } from '@duka/db';
import { decodeCursor, keysetPage, type App } from '@duka/http';
import { z } from 'zod';
import { errors } from '../errors.js';
import { listDeliveries, type DeliveryRow } from '../store/deliveries.store.js';

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(128).optional(),
  })
  .strict();

// Newest first: the cursor is the last delivery's (created_at, id).
const cursorKey = z.object({ createdAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), id: z.uuid() });

const view = (r: DeliveryRow) => ({
  id: r.id,
  channel: r.channel,
  template: r.template,
  recipient: r.recipient_masked,
  status: r.status,
  attempts: r.attempts,
  error: r.error,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
  paymentId: r.payment_id,
});

export function deliveriesRoutes(app: App, deps: { pool: DatabasePool }): void {
  app.get(
    '/v1/notifications/deliveries',
    { config: { permission: 'notifications:read' }, schema: { querystring: listQuery } },
    async (request) => {
      const q = request.query;
      const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor, cursorKey);
      if (before === null) throw errors.NOTIFICATIONS_INVALID_CURSOR();
      const rows = await withTenant(deps.pool, request.principal!.tid, (tx) => listDeliveries(tx, { limit: q.limit, before }));
      const { items, nextCursor } = keysetPage(rows, q.limit, (last) => ({ createdAt: last.created_at, id: last.id }));
      return { items: items.map(view), nextCursor };
    },
  );
}
