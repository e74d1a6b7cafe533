/**
 * pino JSON logging with personal data removed from every line (DESIGN §8).
 *
 * Each record carries `service`; request loggers add `reqId`, `traceId` and `tenant`. Sensitive field names are
 * redacted by pino; then every finished line is scrubbed of phone numbers, emails, receipts and checkout ids,
 * whichever field or message they hide in.
 */
import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';
import { redactPaths, scrub, scrubString } from './scrub.js';

export { scrub, scrubString };
export type { Logger };

export interface LogOptions {
  service: string;
  level?: string;
  /** A separate channel name (webhook traffic logs to its own channel). */
  channel?: string;
  destination?: DestinationStream;
}

/** Creates the root logger of a service. */
export function createLogger(opts: LogOptions): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    base: { service: opts.service, ...(opts.channel ? { channel: opts.channel } : {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths, censor: '[redacted]' },
    hooks: { streamWrite: scrubString },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
