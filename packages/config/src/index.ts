/**
 * Environment configuration, validated once at start.
 *
 * Every service describes its settings as a zod object; `loadConfig` parses `process.env` against it and, on the
 * first bad or missing setting, prints one line naming it and stops the process (DESIGN §10).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export { z };

/** The repository root (this file is packages/config/src/index.ts). */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Settings every service shares. Spread into a service's own schema. */
export const commonSettings = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  DUKA_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]*$/, 'lowercase letters and digits only')
    .default(''),
  // A relative path means the repository's `.data/`, whichever folder the process started in: every service
  // must open the same local key store.
  KEYSTORE_PATH: z
    .string()
    .min(1)
    .default('.data/keys/master.key')
    .transform((p) => resolve(repoRoot, p)),
  VAULT_ADDR: z.url().optional(),
  VAULT_TOKEN: z.string().min(1).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
};

/** A Postgres connection string. */
export const postgresUrl = () =>
  z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');

/** A TCP port number given as a string. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly problem: string,
  ) {
    super(`invalid setting ${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` against `shape`; throws a ConfigError naming the first bad setting. */
export function parseConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    // An empty variable means "not set", so defaults apply (`FOO= make start`).
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = z.object(shape).safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const setting = String(issue.path[0] ?? 'environment');
  const problem = input[setting] === undefined ? 'is required but not set' : issue.message;
  throw new ConfigError(setting, problem);
}

/** Like parseConfig, but a bad setting ends the process with one clear line on stderr. */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  try {
    return parseConfig(shape, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${service}: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/**
 * Reads a `KEY=value` file (such as the generated `.data/secrets.env`) without touching process.env.
 * Missing file -> empty object. Lines starting with `#` are comments; values may be single- or double-quoted.
 */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = m[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}
