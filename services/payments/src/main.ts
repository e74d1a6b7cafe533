/** Boot: telemetry first, then configuration, connections, the app, consumers and workers; graceful shutdown. */
import { startTelemetry } from '@duka/telemetry';
const telemetry = startTelemetry('payments');

const { loadConfig } = await import('@duka/config');
const { createLogger } = await import('@duka/log');
const { createKeyStore } = await import('@duka/secrets');
const { createDbPool } = await import('@duka/db');
const { Bus, OutboxRelay } = await import('@duka/bus');
const { onShutdown } = await import('@duka/http');
const { Redis } = await import('ioredis');
const { settings, platformMpesaCredentials } = await import('./config.js');
const { buildApp } = await import('./app.js');
const { DarajaProvider } = await import('./adapters/daraja.js');
const { startStkConsumer } = await import('./consumers/stk-callback.consumer.js');
const { ReconcileWorker } = await import('./workers/reconcile.js');

const config = loadConfig('payments', settings);
const logger = createLogger({ service: 'payments', level: config.LOG_LEVEL });
const keystore = createKeyStore(config);
const pool = await createDbPool(config.DATABASE_URL, { applicationName: 'payments' });
const bus = await Bus.connect({ servers: config.NATS_URL, name: 'payments', namespace: config.DUKA_NAMESPACE, logger });
await bus.ensureStreams();
const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
await redis.connect();
const relay = new OutboxRelay({ bus, pool, schema: 'payments', logger });
relay.start();
const platform = platformMpesaCredentials(config);
if (!platform) logger.warn('no platform M-Pesa credentials (MPESA_*): only tenants with their own can take payments');
const daraja = new DarajaProvider({ keystore, logger, baseUrl: config.MPESA_BASE_URL, platform, timeoutMs: config.MPESA_TIMEOUT_MS });

const deps = { config, logger, pool, bus, redis, keystore, relay, daraja };
const app = await buildApp(deps);
await startStkConsumer(deps);
const reconcile = new ReconcileWorker(deps, {
  intervalMs: config.RECONCILE_INTERVAL_MS,
  settleAfterMs: config.RECONCILE_AFTER_MS,
  ttlMs: config.INTENT_TTL_MS,
});
reconcile.start();
await app.listen({ port: config.PORT, host: config.HOST });

onShutdown(
  logger,
  [
    () => app.close(),
    () => reconcile.stop(),
    () => bus.close(),
    () => relay.stop(),
    async () => daraja.close(),
    () => pool.end(),
    () => redis.quit(),
    () => telemetry.shutdown(),
  ],
  config.SHUTDOWN_TIMEOUT_MS,
);
