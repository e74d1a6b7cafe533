/**
 * Keeps held stock in step with payments (EVENTS `evt.payments.payment.>`, durable `catalog-stock`):
 * created -> the hold lasts until the payment can no longer succeed; succeeded -> sold; failed -> back on sale.
 * Each event is recorded in the inbox in the same transaction as its effect, so a redelivery changes nothing.
 */
import { PermanentFailure, type Bus, type BusMessage } from '@duka/bus';
import { decodeEvent, parseEventSubject } from '@duka/contracts';
import { markHandled, withTenant, type DatabasePool } from '@duka/db';
import type { Logger } from '@duka/log';
import { extendHolds, releaseHolds, sellHolds } from '../store/stock-hold.store.js';

export const STOCK_CONSUMER = 'catalog-stock';

export interface StockConsumerDeps {
  bus: Bus;
  pool: DatabasePool;
  logger: Logger;
  /** How long a created payment's holds last (longer than payments can take to settle it). */
  holdTtlMs: number;
}

export async function handleStockEvent(deps: Omit<StockConsumerDeps, 'bus'>, msg: BusMessage): Promise<void> {
  const parsed = parseEventSubject(msg.subject);
  if (!parsed || parsed.tenantId !== msg.tenantId) throw new PermanentFailure('subject and Duka-Tenant disagree');
  const { type, tenantId } = parsed;
  if (type !== 'payments.payment.created' && type !== 'payments.payment.succeeded' && type !== 'payments.payment.failed') return;
  let paymentId: string;
  try {
    paymentId = decodeEvent(type, msg.data).paymentId;
  } catch {
    throw new PermanentFailure(`undecodable ${type}`);
  }
  const changed = await withTenant(deps.pool, tenantId, async (tx) => {
    if (!(await markHandled(tx, 'catalog', STOCK_CONSUMER, msg.msgId))) return 0;
    if (type === 'payments.payment.created') return extendHolds(tx, paymentId, Date.now() + deps.holdTtlMs);
    if (type === 'payments.payment.failed') return releaseHolds(tx, paymentId);
    const { sold, oversold } = await sellHolds(tx, paymentId);
    for (const o of oversold) {
      deps.logger.error({ tenant: tenantId, payment: paymentId, product: o.productId, quantity: o.quantity, alert: 'stock_oversold' }, 'a payment succeeded after its stock hold expired and the stock was sold again');
    }
    return sold;
  });
  if (changed > 0) deps.logger.info({ tenant: tenantId, payment: paymentId, event: type, holds: changed }, 'stock holds updated');
}

export function startStockConsumer(deps: StockConsumerDeps): Promise<void> {
  return deps.bus.consume({
    stream: 'EVENTS',
    durable: STOCK_CONSUMER,
    filter: 'evt.payments.payment.>',
    handler: (msg) => handleStockEvent(deps, msg),
  });
}
