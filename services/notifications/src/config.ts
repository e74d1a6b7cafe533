import { ConfigError, commonSettings, parseConfig, port, postgresUrl, z } from '@duka/config';

/** Settings of the notifications service (CONVENTIONS: environment, validated at start). */
export const notificationsSettings = {
  ...commonSettings,
  DATABASE_URL: postgresUrl(),
  PORT: port(8086),
  /** Default delivery channel; `log` records deliveries without any network (embedded default). */
  NOTIFY_CHANNEL: z.enum(['log', 'whatsapp', 'sms']).default('log'),
  /** Time-out of one provider call. */
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** How long an open circuit waits before a trial call. */
  NOTIFY_BREAKER_RESET_MS: z.coerce.number().int().min(100).default(30_000),
  /** Deliveries of one message (bus attempts) before a failing send is recorded as failed. */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  WHATSAPP_TOKEN: z.string().min(1).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d{5,20}$/, 'digits only').optional(),
  WHATSAPP_API_BASE: z.url().default('https://graph.facebook.com'),
  WHATSAPP_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'like v21.0').default('v21.0'),
  AT_USERNAME: z.string().min(1).optional(),
  AT_API_KEY: z.string().min(1).optional(),
  AT_API_BASE: z.url().default('https://api.africastalking.com'),
  AT_SENDER_ID: z.string().min(1).max(11).optional(),
};

export type NotificationsConfig = z.infer<z.ZodObject<typeof notificationsSettings>>;

/** The settings a network channel cannot do without. */
const required: Record<'whatsapp' | 'sms', Array<keyof NotificationsConfig>> = {
  whatsapp: ['WHATSAPP_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID'],
  sms: ['AT_USERNAME', 'AT_API_KEY'],
};

/** Parses the environment; also refuses a network channel whose credentials are missing (one line, naming it). */
export function parseNotificationsConfig(env: Record<string, string | undefined> = process.env): NotificationsConfig {
  const config = parseConfig(notificationsSettings, env);
  if (config.NOTIFY_CHANNEL !== 'log') {
    for (const key of required[config.NOTIFY_CHANNEL]) {
      if (!config[key]) throw new ConfigError(key, `is required when NOTIFY_CHANNEL=${config.NOTIFY_CHANNEL}`);
    }
  }
  return config;
}

export function loadNotificationsConfig(env: Record<string, string | undefined> = process.env): NotificationsConfig {
  try {
    return parseNotificationsConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`notifications: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}

/** Whether a network channel has its credentials (it may then serve commands that ask for it). */
export function channelConfigured(config: NotificationsConfig, channel: 'whatsapp' | 'sms'): boolean {
  return required[channel].every((key) => Boolean(config[key]));
}
