/** `GET /v1/payments/:id`: users with payments:read, or the shopper holding the (unguessable) id. */
import { roleAllows, z, type App } from '@duka/http';
import { isUuid, withTenant } from '@duka/db';
import type { Deps } from '../deps.js';
import { errors } from '../errors.js';
import { getIntent, type IntentRow } from '../store/intent.store.js';
import { requireTenant } from './tenant.js';

export function paymentView(i: IntentRow) {
  return {
    id: i.id,
    orderId: i.order_id,
    status: i.status,
    amountCents: i.amount_cents,
    currency: i.currency,
    failureReason: i.failure_reason,
    receipt: i.receipt_masked,
    createdAt: new Date(i.created_at).toISOString(),
    updatedAt: new Date(i.updated_at).toISOString(),
  };
}

export function paymentRoutes(app: App, deps: Deps): void {
  app.get(
    '/v1/payments/:id',
    // `public` lets shoppers in; signed-in users are checked for payments:read below.
    { config: { permission: 'public' }, schema: { params: z.object({ id: z.string().max(64) }) } },
    async (request) => {
      const tenantId = requireTenant(request);
      const p = request.principal!;
      if (p.kind === 'user' && !roleAllows(p.role, 'payments:read')) throw errors.FORBIDDEN('Your role may not read payments');
      const { id } = request.params;
      const intent = isUuid(id) ? await withTenant(deps.pool, tenantId, (tx) => getIntent(tx, id)) : null;
      if (!intent) throw errors.PAYMENTS_PAYMENT_NOT_FOUND('No such payment in this store');
      return paymentView(intent);
    },
  );
}
