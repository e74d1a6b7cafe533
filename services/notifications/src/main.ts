import { startTelemetry } from '@duka/telemetry';
import { createLogger } from '@duka/log';
import { createKeyStore } from '@duka/secrets';
import { createDbPool } from '@duka/db';
import { Bus, OutboxRelay } from '@duka/bus';
import { onShutdown } from '@duka/http';
import { loadNotificationsConfig } from './config.js';
import { buildApp } from './app.js';
import { createAdapters } from './adapters/index.js';
import { startPaymentsConsumer } from './consumers/payments.consumer.js';
import { startSendConsumer } from './consumers/send.consumer.js';

const telemetry = startTelemetry('notifications');
const config = loadNotificationsConfig();
const logger = createLogger({ service: 'notifications', level: config.LOG_LEVEL });

async function main(): Promise<void> {
  const keystore = createKeyStore(config);
  const pool = await createDbPool(config.DATABASE_URL, { applicationName: 'notifications' });
  const bus = await Bus.connect({ servers: config.NATS_URL, name: 'notifications', namespace: config.DUKA_NAMESPACE, logger });
  await bus.ensureStreams();
  const relay = new OutboxRelay({ bus, pool, schema: 'notifications', logger });
  relay.start();
  const adapters = createAdapters(config, logger);
  logger.info({ channel: adapters.fallback.channel }, 'delivery channel');
  const app = await buildApp({ logger, pool, bus, principalKey: await keystore.namedKey('internal-principal') });
  const deps = { pool, keystore, adapters, relay, logger };
  await startPaymentsConsumer(bus, deps, config.NOTIFY_MAX_ATTEMPTS);
  await startSendConsumer(bus, deps, config.NOTIFY_MAX_ATTEMPTS);
  await app.listen({ port: config.PORT, host: config.HOST });
  onShutdown(
    logger,
    [
      () => app.close(),
      () => bus.close(),
      () => relay.stop(),
      async () => adapters.close(),
      () => pool.end(),
      () => telemetry.shutdown(),
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'notifications failed to start');
  process.exit(1);
});
