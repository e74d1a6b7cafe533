import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import type { Tx } from './tenant.js';

/** One event or command to publish after the transaction that produced it commits (STYLE 6). */
export interface OutboxMessage {
  /** Becomes `Nats-Msg-Id`; defaults to a fresh UUID. */
  id?: string;
  tenantId: string;
  /** Logical subject, e.g. `evt.payments.payment.succeeded.<tenant>`. */
  subject: string;
  eventType: string;
  payload: Uint8Array;
  headers?: Record<string, string>;
}

/** Writes a message to `<schema>.outbox` inside the caller's tenant transaction; returns its id. */
export async function enqueue(tx: Tx, schema: string, msg: OutboxMessage): Promise<string> {
  const id = msg.id ?? randomUUID();
  await tx.query(sql.unsafe`
    insert into ${sql.identifier([schema, 'outbox'])} (id, tenant_id, subject, event_type, payload, headers)
    values (${id}, ${msg.tenantId}, ${msg.subject}, ${msg.eventType}, ${sql.binary(Buffer.from(msg.payload))},
            ${sql.jsonb(msg.headers ?? {})})`);
  return id;
}

/**
 * Records that `consumer` handled `eventId` for the current tenant, in the caller's transaction.
 * Returns false when it was handled before: the caller then changes nothing (redelivery is harmless).
 */
export async function markHandled(tx: Tx, schema: string, consumer: string, eventId: string): Promise<boolean> {
  const row = await tx.maybeOne(sql.type(z.object({ event_id: z.string() }))`
    insert into ${sql.identifier([schema, 'inbox'])} (tenant_id, consumer, event_id)
    values (app.current_tenant(), ${consumer}, ${eventId})
    on conflict do nothing
    returning event_id`);
  return row !== null;
}
