/**
 * identity's events through the outbox (STYLE 6): encoded with @duka/contracts, written in the caller's
 * transaction, published by the relay after commit.
 */
import { randomUUID } from 'node:crypto';
import { enqueue, type Tx } from '@duka/db';
import { encodeEvent, eventSubject, type EventInit, type EventType } from '@duka/contracts';

/** Who and where an event comes from (carried into `meta`). */
export interface EventOrigin {
  tenantId: string;
  requestId: string;
  sourceIp: string;
  actor: { kind: 'user' | 'public'; id: string; role?: string };
}

type Body<T extends EventType> = Omit<EventInit<T>, 'meta' | '$typeName'>;

/** Writes one event to identity's outbox; returns its id (for `relay.publish`). */
export async function emit<T extends EventType>(tx: Tx, type: T, origin: EventOrigin, body: Body<T>): Promise<string> {
  const eventId = randomUUID();
  const payload = encodeEvent(type, {
    ...body,
    meta: {
      eventId,
      tenantId: origin.tenantId,
      occurredAtMs: BigInt(Date.now()),
      requestId: origin.requestId,
      sourceIp: origin.sourceIp,
      actor: { kind: origin.actor.kind, id: origin.actor.id, role: origin.actor.role ?? '' },
    },
  } as EventInit<T>);
  return enqueue(tx, 'identity', {
    id: eventId,
    tenantId: origin.tenantId,
    subject: eventSubject(type, origin.tenantId),
    eventType: type,
    payload,
    headers: { 'Duka-Request-Id': origin.requestId },
  });
}
