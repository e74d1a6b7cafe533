/**
 * Gives back stock whose hold expired unconfirmed: a checkout that died before its payment existed, or a payment
 * whose end never reached catalog. Finds them across tenants through the definer function, then releases each
 * inside its own tenant's transaction.
 */
import { withTenant, type DatabasePool } from '@duka/db';
import type { Logger } from '@duka/log';
import { expiredHolds, releaseHolds } from '../store/stock-hold.store.js';

export interface HoldSweeper {
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startHoldSweeper(deps: { pool: DatabasePool; logger: Logger; intervalMs: number }): HoldSweeper {
  let running: Promise<number> | undefined;
  const runOnce = async (): Promise<number> => {
    let released = 0;
    for (const h of await expiredHolds(deps.pool, 200)) {
      // One payment's failure (a lock time-out, say) must not stop the others from being released.
      try {
        released += await withTenant(deps.pool, h.tenant_id, (tx) => releaseHolds(tx, h.payment_id, { onlyExpired: true }));
      } catch (err) {
        deps.logger.warn({ err, tenant: h.tenant_id, payment: h.payment_id }, 'releasing an expired stock hold failed; next sweep retries');
      }
    }
    if (released > 0) deps.logger.info({ released }, 'expired stock holds released');
    return released;
  };
  const timer = setInterval(() => {
    running ??= runOnce()
      .catch((err) => {
        deps.logger.warn({ err }, 'stock hold sweep failed');
        return 0;
      })
      .finally(() => (running = undefined));
  }, deps.intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
