import { startTelemetry } from '@duka/telemetry';

const telemetry = startTelemetry('identity');

const { loadConfig } = await import('@duka/config');
const { createLogger } = await import('@duka/log');
const { createKeyStore } = await import('@duka/secrets');
const { createDbPool, sql } = await import('@duka/db');
const { Bus, OutboxRelay } = await import('@duka/bus');
const { onShutdown } = await import('@duka/http');
const { Redis } = await import('ioredis');
const { identitySettings } = await import('./config.js');
const { buildApp } = await import('./app.js');
const { TokenSigner } = await import('./signing.js');
const { LoginThrottle } = await import('./throttle.js');
const { OtpState } = await import('./otp.js');

const config = loadConfig('identity', identitySettings);
const logger = createLogger({ service: 'identity', level: config.LOG_LEVEL });
const keystore = createKeyStore(config);
const pool = await createDbPool(config.DATABASE_URL, { applicationName: 'identity' });
const bus = await Bus.connect({ servers: config.NATS_URL, name: 'identity', namespace: config.DUKA_NAMESPACE, logger });
await bus.ensureStreams();
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
const relay = new OutboxRelay({ bus, pool, schema: 'identity', logger });
relay.start();
const [jwks, hosts, revocations] = await Promise.all([bus.kv('auth_jwks'), bus.kv('tenant_hosts'), bus.kv('auth_revocations')]);

const app = await buildApp({
  config,
  logger,
  pool,
  keystore,
  relay,
  redis,
  signer: new TokenSigner({ pool, keystore, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS }),
  throttle: new LoginThrottle({
    redis,
    namespace: config.DUKA_NAMESPACE,
    account: { maxFailures: config.LOGIN_MAX_FAILURES, baseSeconds: config.LOGIN_BACKOFF_BASE_SECONDS, maxSeconds: config.LOGIN_BACKOFF_MAX_SECONDS },
    ip: { maxFailures: config.LOGIN_IP_MAX_FAILURES, baseSeconds: config.LOGIN_BACKOFF_BASE_SECONDS, maxSeconds: config.LOGIN_BACKOFF_MAX_SECONDS },
  }),
  otp: new OtpState({ redis, keystore, namespace: config.DUKA_NAMESPACE }),
  kv: { jwks, hosts, revocations },
  principalKey: await keystore.namedKey('internal-principal'),
  readiness: {
    postgres: () => pool.query(sql.unsafe`select 1`),
    nats: () => bus.ping(),
    redis: () => redis.ping(),
  },
});

await app.listen({ port: config.PORT, host: config.HOST });

onShutdown(
  logger,
  [() => app.close(), () => relay.stop(), () => bus.close(), () => pool.end(), () => redis.quit(), () => telemetry.shutdown()],
  config.SHUTDOWN_TIMEOUT_MS,
);
