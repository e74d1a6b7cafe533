import { z } from 'zod';

/** The simulator's settings, read from the environment by `main.ts`. */
export interface SimSettings {
  port: number;
  host: string;
  consumerKey: string;
  consumerSecret: string;
  shortcode: string;
  passkey: string;
  callbackDelayMs: number;
  logLevel: string;
}

const required = (name: string) => z.string({ error: `${name} is required` }).trim().min(1, `${name} is required`);

const envSchema = z.object({
  SIM_PORT: z.coerce
    .number({ error: 'SIM_PORT must be a port number' })
    .int('SIM_PORT must be a port number')
    .min(0, 'SIM_PORT must be a port number')
    .max(65535, 'SIM_PORT must be a port number')
    .default(8089),
  SIM_HOST: z.string().trim().min(1, 'SIM_HOST must not be empty').default('127.0.0.1'),
  SIM_CONSUMER_KEY: required('SIM_CONSUMER_KEY'),
  SIM_CONSUMER_SECRET: required('SIM_CONSUMER_SECRET'),
  SIM_SHORTCODE: required('SIM_SHORTCODE').regex(/^\d{5,7}$/, 'SIM_SHORTCODE must be 5 to 7 digits'),
  SIM_PASSKEY: required('SIM_PASSKEY'),
  SIM_CALLBACK_DELAY_MS: z.coerce
    .number({ error: 'SIM_CALLBACK_DELAY_MS must be a whole number of milliseconds' })
    .int('SIM_CALLBACK_DELAY_MS must be a whole number of milliseconds')
    .min(0, 'SIM_CALLBACK_DELAY_MS must be a whole number of milliseconds')
    .default(300),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * Reads settings from `env`. Empty strings count as unset. On failure returns one line naming the bad setting
 * (never its value: some are secrets).
 */
export function readSettings(env: NodeJS.ProcessEnv): { ok: true; settings: SimSettings } | { ok: false; message: string } {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const message = issue?.message.startsWith(name) ? issue.message : `${name} is invalid`;
    return { ok: false, message };
  }
  const e = parsed.data;
  return {
    ok: true,
    settings: {
      port: e.SIM_PORT,
      host: e.SIM_HOST,
      consumerKey: e.SIM_CONSUMER_KEY,
      consumerSecret: e.SIM_CONSUMER_SECRET,
      shortcode: e.SIM_SHORTCODE,
      passkey: e.SIM_PASSKEY,
      callbackDelayMs: e.SIM_CALLBACK_DELAY_MS,
      logLevel: e.LOG_LEVEL,
    },
  };
}
