import { sql, type DatabasePool } from '@duka/db';
import type { Bus } from '@duka/bus';
import { createServiceApp, type App } from '@duka/http';
import type { Logger } from '@duka/log';
import { auditRoutes } from './routes/audit.routes.js';

export interface AuditDeps {
  logger: Logger;
  pool: DatabasePool;
  bus: Bus;
  /** Verifies the gateway-signed principal (`keystore.namedKey('internal-principal')`). */
  principalKey: Buffer;
}

/** Builds the audit HTTP app (STYLE 1): no listening here; main.ts and tests decide. */
export async function buildApp(deps: AuditDeps): Promise<App> {
  const app = createServiceApp({
    service: 'audit',
    logger: deps.logger,
    principalKey: deps.principalKey,
    readiness: {
      postgres: () => deps.pool.query(sql.unsafe`select 1`),
      nats: () => deps.bus.ping(),
    },
  });
  auditRoutes(app, deps);
  await app.ready();
  return app;
}
