import { isUuid, withTenant, type DatabasePool } from '@duka/db';
import type { App } from '@duka/http';
import { z } from 'zod';
import { errors } from '../errors.js';
import { listDeliveries, type DeliveryRow } from '../store/deliveries.store.js';

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(128).optional(),
  })
  .strict();

const encodeCursor = (r: DeliveryRow) => Buffer.from(`${r.created_at}:${r.id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const m = /^(\d{1,15}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || !isUuid(m[2])) throw errors.NOTIFICATIONS_INVALID_CURSOR();
  return { createdAt: Number(m[1]), id: m[2]! };
}

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
      const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      const rows = await withTenant(deps.pool, request.principal!.tid, (tx) => listDeliveries(tx, { limit: q.limit, before }));
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return { items: page.map(view), nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
    },
  );
}
