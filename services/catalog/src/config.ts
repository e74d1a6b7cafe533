import { commonSettings, port, postgresUrl, z } from '@duka/config';

/** catalog's settings (CONVENTIONS "Settings"); exported so tests can build a config. */
export const catalogSettings = {
  ...commonSettings,
  PORT: port(8082),
  DATABASE_URL: postgresUrl(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
};

export type CatalogConfig = z.infer<z.ZodObject<typeof catalogSettings>>;
