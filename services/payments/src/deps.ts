import type { Bus, OutboxRelay } from '@duka/bus';
import type { DatabasePool } from '@duka/db';
import type { Logger } from '@duka/log';
import type { KeyStore } from '@duka/secrets';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { DarajaPort } from './adapters/daraja.js';

/** Everything the service's routes, consumers and workers are built from (main.ts makes them; tests too). */
export interface Deps {
  config: Config;
  logger: Logger;
  pool: DatabasePool;
  bus: Bus;
  redis: Redis;
  keystore: KeyStore;
  relay: OutboxRelay;
  daraja: { forTenant(tenantId: string): Promise<DarajaPort | null> };
}
