/** catalog: boot order per CONVENTIONS "A service's shape". */
import { startTelemetry } from '@duka/telemetry';
import { loadConfig } from '@duka/config';
import { createLogger } from '@duka/log';
import { createKeyStore } from '@duka/secrets';
import { createDbPool } from '@duka/db';
import { Bus, OutboxRelay } from '@duka/bus';
import { onShutdown } from '@duka/http';
import { buildApp } from './app.js';
import { catalogSettings } from './config.js';
import { startQuoteResponder } from './rpc/quote.responder.js';
import { startStockConsumer } from './consumers/stock.consumer.js';
import { startHoldSweeper } from './workers/hold-sweeper.js';

const telemetry = startTelemetry('catalog');
const config = loadConfig('catalog', catalogSettings);
const logger = createLogger({ service: 'catalog', level: config.LOG_LEVEL });

const keystore = createKeyStore(config);
const pool = await createDbPool(config.DATABASE_URL, { applicationName: 'catalog', maximumPoolSize: config.DB_POOL_SIZE });
const bus = await Bus.connect({ servers: config.NATS_URL, name: 'catalog', namespace: config.DUKA_NAMESPACE, logger });
await bus.ensureStreams();
const relay = new OutboxRelay({ bus, pool, schema: 'catalog', logger });
relay.start();

const app = await buildApp({ logger, pool, bus, relay, principalKey: await keystore.namedKey('internal-principal') });
const quotes = startQuoteResponder({ bus, pool, logger, holdPendingMs: config.STOCK_HOLD_PENDING_MS });
await startStockConsumer({ bus, pool, logger, holdTtlMs: config.STOCK_HOLD_TTL_MS });
const sweeper = startHoldSweeper({ pool, logger, intervalMs: config.STOCK_SWEEP_INTERVAL_MS });
await app.listen({ port: config.PORT, host: config.HOST });

onShutdown(
  logger,
  [() => app.close(), () => quotes.stop(), () => sweeper.stop(), () => relay.stop(), () => bus.close(), () => pool.end(), () => telemetry.shutdown()],
  config.SHUTDOWN_TIMEOUT_MS,
);
