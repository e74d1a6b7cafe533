import type { Redis } from 'ioredis';
import type { Logger } from '@duka/log';
import type { GatewayConfig } from './config.js';
import type { AuthDirectory } from './auth/directory.js';
import type { AccessTokenVerifier } from './auth/access-token.js';

/** What the gateway is built from (main.ts or a test). It holds no database connection. */
export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  redis: Redis;
  directory: AuthDirectory;
  verifier: AccessTokenVerifier;
  /** `keystore.namedKey('internal-principal')`. */
  principalKey: Buffer;
  readiness?: Record<string, () => Promise<unknown>>;
}
