/** webhook-ingest: boot order per CONVENTIONS "A service's shape". Logs go to the `webhooks` channel. */
import { startTelemetry } from '@duka/telemetry';
import { loadConfig } from '@duka/config';
import { createLogger } from '@duka/log';
import { createKeyStore } from '@duka/secrets';
import { createDbPool } from '@duka/db';
import { Bus, OutboxRelay } from '@duka/bus';
import { onShutdown } from '@duka/http';
import { buildApp } from './app.js';
import { webhookSettings } from './config.js';

const telemetry = startTelemetry('webhook-ingest');
const config = loadConfig('webhook-ingest', webhookSettings);
const logger = createLogger({ service: 'webhook-ingest', channel: 'webhooks', level: config.LOG_LEVEL });

const keystore = createKeyStore(config);
const pool = await createDbPool(config.DATABASE_URL, { applicationName: 'webhook-ingest', maximumPoolSize: config.DB_POOL_SIZE });
const bus = await Bus.connect({ servers: config.NATS_URL, name: 'webhook-ingest', namespace: config.DUKA_NAMESPACE, logger });
await bus.ensureStreams();
const relay = new OutboxRelay({ bus, pool, schema: 'webhooks', logger });
relay.start();

const app = await buildApp({
  logger,
  pool,
  bus,
  relay,
  allowList: config.MPESA_ALLOWED_IPS,
  callbackKey: await keystore.namedKey('mpesa-callback'),
  trustProxy: config.TRUST_PROXY,
});
logger.info({ allowedIps: config.MPESA_ALLOWED_IPS.entries }, 'callback source allow-list');
await app.listen({ port: config.PORT, host: config.HOST });

onShutdown(
  logger,
  [() => app.close(), () => relay.stop(), () => bus.close(), () => pool.end(), () => telemetry.shutdown()],
  config.SHUTDOWN_TIMEOUT_MS,
);
