import { startTelemetry } from '@duka/telemetry';
import { loadConfig } from '@duka/config';
import { createLogger } from '@duka/log';
import { createKeyStore } from '@duka/secrets';
import { createDbPool } from '@duka/db';
import { Bus } from '@duka/bus';
import { onShutdown } from '@duka/http';
import { auditSettings } from './config.js';
import { buildApp } from './app.js';
import { startAuditConsumer } from './consumers/events.consumer.js';

const telemetry = startTelemetry('audit');
const config = loadConfig('audit', auditSettings);
const logger = createLogger({ service: 'audit', level: config.LOG_LEVEL });

async function main(): Promise<void> {
  const keystore = createKeyStore(config);
  const pool = await createDbPool(config.DATABASE_URL, { applicationName: 'audit' });
  const bus = await Bus.connect({ servers: config.NATS_URL, name: 'audit', namespace: config.DUKA_NAMESPACE, logger });
  await bus.ensureStreams();
  const app = await buildApp({ logger, pool, bus, principalKey: await keystore.namedKey('internal-principal') });
  await startAuditConsumer({ bus, pool, logger });
  await app.listen({ port: config.PORT, host: config.HOST });
  onShutdown(
    logger,
    [() => app.close(), () => bus.close(), () => pool.end(), () => telemetry.shutdown()],
    config.SHUTDOWN_TIMEOUT_MS,
  );
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'audit failed to start');
  process.exit(1);
});
