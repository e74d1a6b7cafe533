import type { Redis } from 'ioredis';
import type { KV } from '@nats-io/kv';
import type { DatabasePool } from '@duka/db';
import type { OutboxRelay } from '@duka/bus';
import type { KeyStore } from '@duka/secrets';
import type { Logger } from '@duka/log';
import type { IdentityConfig } from './config.js';
import type { TokenSigner } from './signing.js';
import type { LoginThrottle } from './throttle.js';
import type { OtpState } from './otp.js';

/** What identity's flows work with; built once in main.ts (or a test) and passed to buildApp. */
export interface IdentityDeps {
  config: Pick<IdentityConfig, 'STORE_DOMAIN' | 'REFRESH_TOKEN_TTL_DAYS'>;
  logger: Logger;
  pool: DatabasePool;
  keystore: KeyStore;
  relay: OutboxRelay;
  redis: Redis;
  signer: TokenSigner;
  throttle: LoginThrottle;
  otp: OtpState;
  kv: { jwks: KV; hosts: KV; revocations: KV };
  /** Probes for /readyz. */
  readiness?: Record<string, () => Promise<unknown>>;
  principalKey: Buffer;
}

/** A request's context, first argument of every flow (STYLE 3). */
export interface Ctx {
  /** The tenant resolved by the gateway ('' for signup, which creates it). */
  tenantId: string;
  actor: { kind: 'user' | 'public'; id: string; role?: string };
  requestId: string;
  sourceIp: string;
}
