import { commonSettings, port, postgresUrl, z } from '@duka/config';
import { parseAllowList } from './domain/allow-list.js';

/** Loopback only: the embedded default, where daraja-sim calls back from this machine. */
export const defaultAllowedIps = '127.0.0.1,::1,::ffff:127.0.0.1';

const allowList = z
  .string()
  .default(defaultAllowedIps)
  .transform((value, ctx) => {
    try {
      return parseAllowList(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/** webhook-ingest's settings; exported so tests can build a config. */
export const webhookSettings = {
  ...commonSettings,
  PORT: port(8084),
  DATABASE_URL: postgresUrl(),
  /** Comma list of IPs/CIDRs Daraja may call from. Production: Safaricom's published list (see README). */
  MPESA_ALLOWED_IPS: allowList,
  /**
   * Addresses of our own reverse proxy / load balancer whose X-Forwarded-For is believed (comma list of IPs/CIDRs),
   * or `false` (default: the socket address is the caller). Never `true` on a public listener.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v) => (v === 'false' ? false : v))
    .refine((v) => v !== 'true', 'list the proxy addresses instead of true'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
};

export type WebhookConfig = z.infer<z.ZodObject<typeof webhookSettings>>;
