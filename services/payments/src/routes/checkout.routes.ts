/** `POST /v1/checkout` (docs/SERVICES-BRIEF.md): shoppers of a store, `Idempotency-Key` required. */
import { normalizeKenyanPhone } from '@duka/mpesa';
import { z, type App } from '@duka/http';
import type { Deps } from '../deps.js';
import { errors } from '../errors.js';
import { checkout } from '../flows/checkout.js';
import { requireTenant } from './tenant.js';

export const checkoutBody = z
  .object({
    items: z
      .array(
        z
          .object({
            productId: z.uuid(),
            quantity: z.number().int().min(1).max(100),
          })
          .strict(),
      )
      .min(1)
      .max(50),
    phone: z.string().min(1).max(32),
  })
  .strict();

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
// 1..255 visible ASCII characters (no spaces or control characters).
const keyPattern = /^[\x21-\x7e]{1,255}$/;

export function checkoutRoutes(app: App, deps: Deps): void {
  app.post(
    '/v1/checkout',
    { config: { permission: 'public' }, schema: { body: checkoutBody } },
    async (request, reply) => {
      const tenantId = requireTenant(request);
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') {
        throw errors.PAYMENTS_IDEMPOTENCY_KEY_REQUIRED(`Send an ${IDEMPOTENCY_HEADER} header (1 to 255 visible characters)`, [
          { field: `headers.${IDEMPOTENCY_HEADER}`, message: 'required' },
        ]);
      }
      if (!keyPattern.test(key)) {
        throw errors.PAYMENTS_IDEMPOTENCY_KEY_REQUIRED(`The ${IDEMPOTENCY_HEADER} header must be 1 to 255 visible characters`, [
          { field: `headers.${IDEMPOTENCY_HEADER}`, message: 'must be 1 to 255 visible characters' },
        ]);
      }
      const phone = normalizeKenyanPhone(request.body.phone);
      if (!phone) {
        throw errors.VALIDATION_FAILED('body.phone: must be a Kenyan mobile number', [
          { field: 'body.phone', message: 'must be a Kenyan mobile number' },
        ]);
      }
      const p = request.principal!;
      const answer = await checkout(
        deps,
        {
          tenantId,
          requestId: request.id,
          actor: p.kind === 'user' ? { kind: 'user', id: p.sub ?? '', ...(p.role ? { role: p.role } : {}) } : { kind: 'shopper', id: p.sid ?? '' },
          log: request.log,
        },
        key,
        { items: request.body.items, phone },
      );
      return reply.code(answer.status).send(answer.body);
    },
  );
}
