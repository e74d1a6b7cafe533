#!/usr/bin/env -S npx tsx
import { pino } from 'pino';
import { buildSim } from './app.js';
import { readSettings } from './settings.js';

const read = readSettings(process.env);
if (!read.ok) {
  process.stderr.write(`daraja-sim: ${read.message}\n`);
  process.exit(1);
}
const settings = read.settings;
const log = pino({ level: settings.logLevel, base: { service: 'daraja-sim' } });

const app = buildSim({
  consumerKey: settings.consumerKey,
  consumerSecret: settings.consumerSecret,
  shortcode: settings.shortcode,
  passkey: settings.passkey,
  callbackDelayMs: settings.callbackDelayMs,
  logger: log,
});

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 5_000);
  force.unref();
  await app.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await app.listen({ port: settings.port, host: settings.host });
} catch (err) {
  log.fatal({ err }, 'could not listen');
  process.exit(1);
}
