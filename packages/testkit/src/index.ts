export { DukaApi, type ApiResponse } from './api-client.js';
export { startStack, stopChildren, stackEnvironment, serviceNames, defaultPorts, type StackOptions, type RunningStack, type ServiceName } from './stack.js';
/**
 * Test helpers that talk to the real Postgres, NATS and Redis (STYLE 9): where they are, the service roles'
 * connection strings on the test database, a private NATS namespace per test file, and gateway-signed headers.
 * Servers are found from the environment, then the local defaults that `scripts/infra` starts (`make test` runs it).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readEnvFile } from '@duka/config';
import { serviceDatabases } from '@duka/db';
import { signPrincipal, LocalKeyStore, type Principal } from '@duka/secrets';

/** The repository root (two levels above this package). */
export const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);

const env = { ...readEnvFile(join(repoRoot, '.data/secrets.env')), ...process.env };

export const testInfra = {
  natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  pgHost: env.PGHOST_ADDR ?? '127.0.0.1:5432',
  database: env.DUKA_TEST_DB ?? 'duka_test',
};

/** Connection string for a service's login role on the test database, e.g. `databaseUrl('payments')`. */
export function databaseUrl(service: string): string {
  const s = serviceDatabases.find((d) => d.service === service);
  if (!s) throw new Error(`testkit: no database role for service ${service}`);
  const password = env[s.passwordEnv];
  if (!password) throw new Error(`testkit: ${s.passwordEnv} missing: run make test (it creates .data/secrets.env)`);
  return `postgres://${s.role}:${encodeURIComponent(password)}@${testInfra.pgHost}/${testInfra.database}`;
}

/** Superuser connection to the test database, for assertions that must look past RLS. */
export function adminDatabaseUrl(): string {
  const admin = new URL(env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  admin.pathname = '/' + testInfra.database;
  return admin.toString();
}

/** A fresh NATS namespace: streams, subjects, consumers and KV buckets of this test never meet another's. */
export function testNamespace(): string {
  return 't' + randomBytes(5).toString('hex');
}

/** A throwaway local key store (a new master key in a temp dir); pass its path as KEYSTORE_PATH. */
export function testKeystore(): { path: string; keystore: LocalKeyStore } {
  const path = join(mkdtempSync(join(tmpdir(), 'duka-ks-')), 'master.key');
  return { path, keystore: new LocalKeyStore(path) };
}

/** Headers the gateway would add for `principal` (signed with the key store's internal key). */
export async function principalHeaders(
  keystore: LocalKeyStore,
  principal: Omit<Principal, 'iat'> & { iat?: number },
): Promise<Record<string, string>> {
  const key = await keystore.namedKey('internal-principal');
  const signed = signPrincipal(key, { iat: Date.now(), ...principal });
  return { 'x-duka-principal': signed.principal, 'x-duka-principal-sig': signed.signature };
}


/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`eventually: gave up after ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
