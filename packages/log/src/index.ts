/**
 * pino JSON logging with personal data removed from every line (DESIGN §8).
 *
 * Each record carries `service`; request loggers add `reqId`, `traceId` and `tenant`. Every finished line has the
 * values of sensitive fields (password, token, phone, ...) replaced and is scrubbed of phone numbers, emails,
 * receipts and checkout ids, whichever field or message they hide in.
 */
import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';
import { scrub, scrubString } from './scrub.js';

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
    hooks: { streamWrite: scrubString },
  };
  // Asynchronous stdout: a request does not wait for its log line to reach the file, yet each line is written at
  // once (no batching), so `tail -f` and a crash lose nothing that matters. pino flushes it on exit.
  return pino(options, opts.destination ?? pino.destination({ dest: 1, sync: false, minLength: 0 }));
}
