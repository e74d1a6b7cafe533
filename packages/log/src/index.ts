/**
 * pino JSON logging with the scrubber applied to every record.
 *
 * Each record carries `service`; request loggers add `reqId`, `traceId` and `tenant` (DESIGN §8).
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
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => scrub(obj) as Record<string, unknown>,
    },
    hooks: {
      // Messages are scrubbed too: a careless template string must not leak a phone number.
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubString(a) : a)) as typeof args;
        return method.apply(this, scrubbed);
      },
    },
    serializers: { err: (e: unknown) => scrub(e) },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
