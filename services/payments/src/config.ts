/** The payments service's settings (docs/CONVENTIONS.md): validated at start, one line naming a bad one. */
import { commonSettings, port, postgresUrl, z } from '@duka/config';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalText = z.string().min(1).optional();

export const settings = {
  ...commonSettings,
  PORT: port(8083),
  DATABASE_URL: postgresUrl(),
  /** Daraja (or daraja-sim) base URL. */
  MPESA_BASE_URL: z.url().default('http://127.0.0.1:8089'),
  /** Platform default Daraja app, used for tenants without their own credentials in the key store. */
  MPESA_SHORTCODE: z.string().regex(/^\d{5,7}$/, 'must be 5 to 7 digits').optional(),
  MPESA_PASSKEY: optionalText,
  MPESA_CONSUMER_KEY: optionalText,
  MPESA_CONSUMER_SECRET: optionalText,
  MPESA_TIMEOUT_MS: ms(10_000),
  /** Where Safaricom reaches webhook-ingest; the STK callback URL is built on it. */
  PUBLIC_WEBHOOK_BASE_URL: z.url().default('http://127.0.0.1:8084'),
  CATALOG_QUOTE_TIMEOUT_MS: ms(3_000),
  RECONCILE_INTERVAL_MS: ms(15_000),
  /** A `processing` intent without a callback this long gets an STK query. */
  RECONCILE_AFTER_MS: ms(60_000),
  /** An intent without a final answer this long is expired. */
  INTENT_TTL_MS: ms(15 * 60_000),
  /** An Idempotency-Key left in flight this long (a crash mid-request) is completed from the intent's state. */
  IDEMPOTENCY_STALE_MS: ms(60_000),
};

export type Config = z.infer<z.ZodObject<typeof settings>>;

/** The platform default Daraja credentials, when all four are set. */
export function platformMpesaCredentials(config: Config): MpesaCredentials | null {
  const { MPESA_SHORTCODE, MPESA_PASSKEY, MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET } = config;
  if (!MPESA_SHORTCODE || !MPESA_PASSKEY || !MPESA_CONSUMER_KEY || !MPESA_CONSUMER_SECRET) return null;
  return { shortcode: MPESA_SHORTCODE, passkey: MPESA_PASSKEY, consumerKey: MPESA_CONSUMER_KEY, consumerSecret: MPESA_CONSUMER_SECRET };
}

export interface MpesaCredentials {
  shortcode: string;
  passkey: string;
  consumerKey: string;
  consumerSecret: string;
}
