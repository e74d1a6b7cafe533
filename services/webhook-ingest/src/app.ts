/** Builds webhook-ingest's HTTP app from its dependencies (STYLE 1). */
import type { Bus, OutboxRelay } from '@duka/bus';
import { sql, type DatabasePool } from '@duka/db';
import { createServiceApp, type App } from '@duka/http';
import type { Logger } from '@duka/log';
import type { AllowList } from './domain/allow-list.js';
import { CALLBACK_BODY_LIMIT, mpesaRoutes } from './routes/mpesa.routes.js';

export interface WebhookDeps {
  /** Should be the `webhooks` channel logger (`createLogger({ service, channel: 'webhooks' })`). */
  logger: Logger;
  pool: DatabasePool;
  bus: Pick<Bus, 'ping'>;
  relay: Pick<OutboxRelay, 'publish'>;
  allowList: AllowList;
  callbackKey: Buffer;
  trustProxy?: string | false;
}

/** Callback URLs end with the secret token: request logs show the path without it. */
export function redactUrl(url: string): string {
  return url.startsWith('/mpesa/') ? url.replace(/\/[^/?]*(\?.*)?$/, '/[token]') : url;
}

export async function buildApp(deps: WebhookDeps): Promise<App> {
  const logger = deps.logger.child(
    {},
    {
      serializers: {
        // @duka/log scrubs a plain copy of the record before serializers run, so the request's getters (url, ip)
        // are gone by then: read what survives on the copy of the raw IncomingMessage.
        req: (req: { method?: string; url?: string; raw?: { method?: string; url?: string } }) => ({
          method: req.method ?? req.raw?.method,
          url: redactUrl(req.url ?? req.raw?.url ?? ''),
        }),
      },
    },
  );
  const app = createServiceApp({
    service: 'webhook-ingest',
    logger,
    bodyLimit: CALLBACK_BODY_LIMIT,
    trustProxy: deps.trustProxy || false,
    readiness: {
      postgres: () => deps.pool.query(sql.unsafe`select 1`),
      nats: () => deps.bus.ping(),
    },
  });
  await mpesaRoutes(app, deps);
  await app.ready();
  return app;
}
