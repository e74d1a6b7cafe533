import type { Bus } from '@duka/bus';
import { sql, type DatabasePool } from '@duka/db';
import { createServiceApp, type App } from '@duka/http';
import type { Logger } from '@duka/log';
import { deliveriesRoutes } from './routes/deliveries.routes.js';

export interface NotificationsAppDeps {
  logger: Logger;
  pool: DatabasePool;
  bus: Bus;
  /** Verifies the gateway-signed principal (`keystore.namedKey('internal-principal')`). */
  principalKey: Buffer;
}

/** Builds the notifications HTTP app (STYLE 1): no listening here; main.ts and tests decide. */
export async function buildApp(deps: NotificationsAppDeps): Promise<App> {
  const app = createServiceApp({
    service: 'notifications',
    logger: deps.logger,
    principalKey: deps.principalKey,
    readiness: {
      postgres: () => deps.pool.query(sql.unsafe`select 1`),
      nats: () => deps.bus.ping(),
    },
  });
  deliveriesRoutes(app, deps);
  await app.ready();
  return app;
}
