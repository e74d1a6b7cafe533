import { commonSettings, port, postgresUrl, z } from '@duka/config';

/** identity's settings (docs/CONVENTIONS.md "Settings"); exported so tests can build a config. */
export const identitySettings = {
  ...commonSettings,
  PORT: port(8081),
  DATABASE_URL: postgresUrl(),
  /** Storefront hosts are `<slug>.<STORE_DOMAIN>`. */
  STORE_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'a lowercase host name')
    .default('duka.localhost'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  /** Failures of one account (tenant + email) before the exponential back-off starts. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Failures from one client IP (any account) before its back-off starts. */
  LOGIN_IP_MAX_FAILURES: z.coerce.number().int().min(1).default(20),
  /** First lock-out in seconds; doubles with each further failure, up to LOGIN_BACKOFF_MAX_SECONDS. */
  LOGIN_BACKOFF_BASE_SECONDS: z.coerce.number().int().min(1).default(1),
  LOGIN_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).default(900),
};

export const identityConfig = z.object(identitySettings);
export type IdentityConfig = z.infer<typeof identityConfig>;
