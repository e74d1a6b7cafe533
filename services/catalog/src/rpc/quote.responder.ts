/**
 * NATS request/reply responder for `rpc.catalog.quote` (queue group `catalog`, so replicas share the load).
 * Every request gets a QuoteReply; nothing is thrown out of here. A refused quote is `{ok: false, errorCode}`.
 */
import type { Bus } from '@duka/bus';
import { CATALOG_QUOTE_SUBJECT, catalogQuote, decodeMessage, encodeMessage, type QuoteRequest } from '@duka/contracts';
import { isUuid, withTenant, type DatabasePool } from '@duka/db';
import type { Logger } from '@duka/log';
import { checkItems, priceQuote, wantedUnits, type Quote } from '../domain/quote.js';
import { findProducts } from '../store/product.store.js';
import { hasHolds, holdStock } from '../store/stock-hold.store.js';

export interface QuoteResponderDeps {
  bus: Bus;
  pool: DatabasePool;
  logger: Logger;
  /** How long stock stays held before the payment is known to exist (default 2 minutes). */
  holdPendingMs?: number;
}

type Msg = Parameters<NonNullable<NonNullable<Parameters<Bus['nc']['subscribe']>[1]>['callback']>>[1];

export interface QuoteResponder {
  /** Stops taking requests (drains the subscription) and waits for the ones in flight. */
  stop(): Promise<void>;
}

/** Answers one encoded request. Exported for unit-style tests; never throws. */
export async function answerQuote(deps: Pick<QuoteResponderDeps, 'pool' | 'logger' | 'holdPendingMs'>, data: Uint8Array): Promise<Quote> {
  let req: QuoteRequest;
  try {
    req = decodeMessage(catalogQuote.request, data);
  } catch {
    return { ok: false, errorCode: 'INVALID_REQUEST', errorDetail: 'the request is not a QuoteRequest' };
  }
  if (!isUuid(req.tenantId)) return { ok: false, errorCode: 'INVALID_REQUEST', errorDetail: 'tenantId must be a UUID' };
  const items = req.items.map((i) => ({ productId: i.productId, quantity: i.quantity }));
  const refused = checkItems(items, isUuid);
  if (refused) return refused;
  const reservation = req.reservationId;
  if (reservation && !isUuid(reservation)) return { ok: false, errorCode: 'INVALID_REQUEST', errorDetail: 'reservationId must be a UUID' };
  const log = deps.logger.child({ tenant: req.tenantId, reqId: req.requestId });
  try {
    const quote = await withTenant(deps.pool, req.tenantId, async (tx) => {
      const ids = [...new Set(items.map((i) => i.productId))];
      // Holding locks the rows first, so a concurrent checkout (or a retry of this one) waits, then sees the stock
      // that is left and the holds that were made.
      const products = new Map((await findProducts(tx, req.tenantId, ids, { lockLimited: Boolean(reservation) })).map((p) => [p.id, p]));
      // Asked again for the same payment (a retry): its stock is held already, hold nothing more.
      const held = reservation ? await hasHolds(tx, reservation) : false;
      const hold = Boolean(reservation) && !held;
      const q = priceQuote(items, products, { stockHeld: held });
      if (q.ok && hold) {
        const limited = [...wantedUnits(items)]
          .filter(([id]) => products.get(id)?.stock !== null)
          .map(([productId, quantity]) => ({ productId, quantity: Number(quantity) }));
        await holdStock(tx, req.tenantId, reservation, limited, Date.now() + (deps.holdPendingMs ?? 120_000));
      }
      return q;
    });
    log.debug({ ok: quote.ok, errorCode: quote.ok ? undefined : quote.errorCode }, 'quote answered');
    return quote;
  } catch (err) {
    // Not one of the business codes: payments must treat it as "catalog unavailable" and retry later.
    log.error({ err }, 'quote failed');
    return { ok: false, errorCode: 'CATALOG_UNAVAILABLE', errorDetail: 'catalog could not price the request; retry later' };
  }
}

function encodeReply(q: Quote): Uint8Array {
  return q.ok
    ? encodeMessage(catalogQuote.reply, { ok: true, lines: q.lines, totalCents: q.totalCents, currency: q.currency })
    : encodeMessage(catalogQuote.reply, { ok: false, errorCode: q.errorCode, errorDetail: q.errorDetail });
}

/** Subscribes the responder; call `stop()` on shutdown before closing the pool. */
export function startQuoteResponder(deps: QuoteResponderDeps): QuoteResponder {
  const inFlight = new Set<Promise<void>>();
  const handle = async (msg: Msg): Promise<void> => {
    try {
      const quote = await answerQuote(deps, msg.data);
      if (!msg.reply) return; // a publish without a reply subject: nobody to answer
      msg.respond(encodeReply(quote));
    } catch (err) {
      deps.logger.error({ err }, 'quote reply failed');
    }
  };
  const sub = deps.bus.nc.subscribe(deps.bus.subject(CATALOG_QUOTE_SUBJECT), {
    queue: 'catalog',
    callback: (err, msg) => {
      if (err) {
        deps.logger.warn({ err }, 'quote subscription error');
        return;
      }
      const p = handle(msg).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
  });
  return {
    async stop() {
      if (!sub.isClosed()) await sub.drain().catch((err: unknown) => deps.logger.warn({ err }, 'quote drain failed'));
      await Promise.allSettled([...inFlight]);
    },
  };
}
