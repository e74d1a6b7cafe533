/** Catalog's outbox events (DESIGN §4/§5): written in the change's transaction, published after commit. */
import { randomUUID } from 'node:crypto';
import { enqueue } from '@duka/db';
import { encodeEvent, eventSubject, type EventInit, type EventType } from '@duka/contracts';
import type { Ctx } from './context.js';

function meta(ctx: Ctx, eventId: string) {
  return {
    eventId,
    tenantId: ctx.tenantId,
    occurredAtMs: BigInt(Date.now()),
    requestId: ctx.requestId,
    actor: ctx.actor,
    sourceIp: ctx.sourceIp,
  };
}

/** Writes one event to catalog.outbox; its id is the event id and the `Nats-Msg-Id`. */
export async function emit<T extends EventType>(ctx: Ctx, type: T, body: Omit<EventInit<T>, 'meta'>): Promise<string> {
  const id = randomUUID();
  const payload = encodeEvent(type, { ...body, meta: meta(ctx, id) } as EventInit<T>);
  return enqueue(ctx.tx, 'catalog', {
    id,
    tenantId: ctx.tenantId,
    subject: eventSubject(type, ctx.tenantId),
    eventType: type,
    payload,
    headers: ctx.requestId ? { 'Duka-Request-Id': ctx.requestId } : {},
  });
}
