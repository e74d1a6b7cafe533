/** Builds catalog's HTTP app from its dependencies (STYLE 1): no listening, no configuration reading. */
import type { Bus, OutboxRelay } from '@duka/bus';
import { sql, type DatabasePool } from '@duka/db';
import { createServiceApp, type App } from '@duka/http';
import type { Logger } from '@duka/log';
import { productRoutes } from './routes/products.routes.js';
import { storeRoutes } from './routes/store.routes.js';

export interface CatalogDeps {
  logger: Logger;
  pool: DatabasePool;
  bus: Pick<Bus, 'ping'>;
  relay: Pick<OutboxRelay, 'publish'>;
  /** `keystore.namedKey('internal-principal')`: verifies the gateway-signed principal. */
  principalKey: Buffer;
}

export async function buildApp(deps: CatalogDeps): Promise<App> {
  const app = createServiceApp({
    service: 'catalog',
    logger: deps.logger,
    principalKey: deps.principalKey,
    readiness: {
      postgres: () => deps.pool.query(sql.unsafe`select 1`),
      nats: () => deps.bus.ping(),
    },
  });
  productRoutes(app, deps);
  storeRoutes(app, deps);
  await app.ready();
  return app;
}
