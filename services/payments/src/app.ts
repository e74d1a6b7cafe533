/** Builds the payments HTTP app from its dependencies (STYLE 1): no listening, no configuration reading. */
import { sql } from '@duka/db';
import { createServiceApp, type App } from '@duka/http';
import type { Deps } from './deps.js';
import { checkoutRoutes } from './routes/checkout.routes.js';
import { paymentRoutes } from './routes/payments.routes.js';

export type { Deps };

export async function buildApp(deps: Deps): Promise<App> {
  const app = createServiceApp({
    service: 'payments',
    logger: deps.logger,
    principalKey: await deps.keystore.namedKey('internal-principal'),
    readiness: {
      postgres: () => deps.pool.query(sql.unsafe`select 1`),
      nats: () => deps.bus.ping(),
      redis: () => deps.redis.ping(),
    },
  });
  checkoutRoutes(app, deps);
  paymentRoutes(app, deps);
  return app;
}
