import { startTelemetry } from '@duka/telemetry';

const telemetry = startTelemetry('gateway');

const { loadConfig } = await import('@duka/config');
const { createLogger } = await import('@duka/log');
const { createKeyStore } = await import('@duka/secrets');
const { Bus } = await import('@duka/bus');
const { onShutdown } = await import('@duka/http');
const { Redis } = await import('ioredis');
const { gatewaySettings } = await import('./config.js');
const { buildApp } = await import('./app.js');
const { AuthDirectory } = await import('./auth/directory.js');
const { AccessTokenVerifier } = await import('./auth/access-token.js');

const config = loadConfig('gateway', gatewaySettings);
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
const keystore = createKeyStore(config);
const bus = await Bus.connect({ servers: config.NATS_URL, name: 'gateway', namespace: config.DUKA_NAMESPACE, logger });
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
const [hosts, jwks, revocations] = await Promise.all([bus.kv('tenant_hosts'), bus.kv('auth_jwks'), bus.kv('auth_revocations')]);
const directory = await AuthDirectory.start({ hosts, jwks, revocations }, logger);

const app = await buildApp({
  config,
  logger,
  redis,
  directory,
  verifier: new AccessTokenVerifier(directory),
  principalKey: await keystore.namedKey('internal-principal'),
  readiness: { nats: () => bus.ping(), redis: () => redis.ping() },
});

await app.listen({ port: config.PORT, host: config.HOST });

onShutdown(
  logger,
  [() => app.close(), () => directory.stop(), () => bus.close(), () => redis.quit(), () => telemetry.shutdown()],
  config.SHUTDOWN_TIMEOUT_MS,
);
