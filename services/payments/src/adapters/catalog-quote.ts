/** Prices a cart by NATS request/reply to catalog (`rpc.catalog.quote`, docs/SERVICES-BRIEF.md). */
import type { Bus } from '@duka/bus';
import { CATALOG_QUOTE_SUBJECT, catalogQuote, decodeMessage, encodeMessage } from '@duka/contracts';
import type { CartItem, QuoteAnswer } from '../domain/checkout.js';

export type QuoteResult = { ok: true; answer: QuoteAnswer } | { ok: false; problem: 'unavailable' | 'undecodable' };

export async function requestQuote(
  bus: Bus,
  q: { tenantId: string; requestId: string; items: readonly CartItem[]; reservationId?: string },
  timeoutMs: number,
): Promise<QuoteResult> {
  const data = encodeMessage(catalogQuote.request, {
    tenantId: q.tenantId,
    requestId: q.requestId,
    items: q.items.map((i) => ({ productId: i.productId, quantity: BigInt(i.quantity) })),
    reservationId: q.reservationId ?? '',
  });
  let reply: Uint8Array;
  try {
    // No responders and time-outs both mean catalog could not answer now.
    reply = (await bus.nc.request(bus.subject(CATALOG_QUOTE_SUBJECT), data, { timeout: timeoutMs })).data;
  } catch {
    return { ok: false, problem: 'unavailable' };
  }
  try {
    return { ok: true, answer: decodeMessage(catalogQuote.reply, reply) };
  } catch {
    return { ok: false, problem: 'undecodable' };
  }
}
