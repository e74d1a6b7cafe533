import type { Logger } from '@duka/log';

export type Closer = () => Promise<unknown>;

/**
 * Graceful shutdown on SIGTERM/SIGINT: run the closers in order (stop HTTP first so no new work arrives, then
 * consumers, relays, then connections), and exit. A second signal or the timeout forces the exit.
 */
export function onShutdown(logger: Logger, closers: Closer[], timeoutMs = 10_000): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    for (const close of closers) {
      try {
        await close();
      } catch (err) {
        logger.warn({ err }, 'error while closing');
      }
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
