import { commonSettings, port, z } from '@duka/config';

const upstream = (fallbackPort: number) => z.url().default(`http://127.0.0.1:${fallbackPort}`);
const perMinute = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** gateway's settings (docs/CONVENTIONS.md "Settings"); exported so tests can build a config. */
export const gatewaySettings = {
  ...commonSettings,
  PORT: port(8080),
  IDENTITY_URL: upstream(8081),
  CATALOG_URL: upstream(8082),
  PAYMENTS_URL: upstream(8083),
  AUDIT_URL: upstream(8085),
  NOTIFICATIONS_URL: upstream(8086),
  /** Comma-separated browser origins allowed by CORS; empty = none. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.url())),
  /** Requests per minute per client IP. */
  RATE_LIMIT_PER_MINUTE: perMinute(600),
  /** Requests per minute per client IP to signup, login and refresh. */
  RATE_LIMIT_AUTH_PER_MINUTE: perMinute(20),
  /** Requests per minute per tenant, all clients together. */
  RATE_LIMIT_TENANT_PER_MINUTE: perMinute(6_000),
  /** Requests per minute per signed-in user. */
  RATE_LIMIT_USER_PER_MINUTE: perMinute(600),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).default(64 * 1024),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Trust X-Forwarded-For from a load balancer in front: `true`, or its addresses/CIDRs comma-separated; default off. */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | string => (v === 'true' ? true : v === 'false' ? false : v)),
};

export const gatewayConfig = z.object(gatewaySettings);
export type GatewayConfig = z.infer<typeof gatewayConfig>;
