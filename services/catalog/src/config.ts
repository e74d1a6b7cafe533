import { commonSettings, port, postgresUrl, z } from '@duka/config';

/** catalog's settings (CONVENTIONS "Settings"); exported so tests can build a config. */
export const catalogSettings = {
  ...commonSettings,
  PORT: port(8082),
  DATABASE_URL: postgresUrl(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Stock held by a checkout until its payment is known to exist. */
  STOCK_HOLD_PENDING_MS: z.coerce.number().int().min(1_000).default(120_000),
  /** Stock held for an existing payment: longer than payments takes to settle one (INTENT_TTL_MS + reconciliation). */
  STOCK_HOLD_TTL_MS: z.coerce.number().int().min(1_000).default(30 * 60_000),
  STOCK_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
};

export type CatalogConfig = z.infer<z.ZodObject<typeof catalogSettings>>;
