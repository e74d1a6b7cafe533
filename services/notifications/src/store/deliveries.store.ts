import { sql, type Tx } from '@duka/db';
import { z } from 'zod';
import type { Channel, DeliveryStatus } from '../domain/delivery.js';

const deliveryRow = z.object({
  id: z.string(),
  tenant_id: z.string(),
  event_id: z.string(),
  payment_id: z.string().nullable(),
  channel: z.enum(['log', 'whatsapp', 'sms']),
  template: z.string(),
  recipient_ciphertext: z.string(),
  recipient_masked: z.string(),
  body: z.string(),
  status: z.enum(['pending', 'sending', 'retrying', 'sent', 'failed']),
  error: z.string().nullable(),
  attempts: z.number(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type DeliveryRow = z.infer<typeof deliveryRow>;

const columns = sql.fragment`id, tenant_id, event_id, payment_id, channel, template, recipient_ciphertext, recipient_masked,
  body, status, error, attempts, created_at, updated_at`;

export interface NewDelivery {
  id: string;
  tenantId: string;
  eventId: string;
  paymentId: string | null;
  channel: Channel;
  template: string;
  recipientCiphertext: string;
  recipientMasked: string;
  body: string;
  status: DeliveryStatus;
  error?: string | null;
}

/** Inserts unless this event already has a delivery; returns the tenant's delivery for the event either way. */
export async function insertDelivery(tx: Tx, d: NewDelivery): Promise<{ row: DeliveryRow; created: boolean }> {
  const created = await tx.maybeOne(sql.type(deliveryRow)`
    insert into notifications.deliveries (id, tenant_id, event_id, payment_id, channel, template, recipient_ciphertext,
      recipient_masked, body, status, error)
    values (${d.id}, ${d.tenantId}, ${d.eventId}, ${d.paymentId}, ${d.channel}, ${d.template}, ${d.recipientCiphertext},
      ${d.recipientMasked}, ${d.body}, ${d.status}, ${d.error ?? null})
    on conflict (tenant_id, event_id) do nothing
    returning ${columns}`);
  if (created) return { row: created, created: true };
  const existing = await findByEvent(tx, d.eventId);
  if (!existing) throw new Error('delivery vanished after a conflicting insert');
  return { row: existing, created: false };
}

export async function findByEvent(tx: Tx, eventId: string): Promise<DeliveryRow | null> {
  return tx.maybeOne(sql.type(deliveryRow)`
    select ${columns} from notifications.deliveries where tenant_id = app.current_tenant() and event_id = ${eventId}`);
}

/**
 * Takes the right to attempt a send. Succeeds for a pending or retrying delivery, or one whose previous attempt
 * has been "sending" for longer than `staleMs` (that worker died); false when another worker holds it or it is final.
 */
export async function claimDelivery(tx: Tx, id: string, staleMs: number): Promise<boolean> {
  const row = await tx.maybeOne(sql.type(z.object({ id: z.string() }))`
    update notifications.deliveries set status = 'sending', updated_at = date_trunc('milliseconds', now())
    where tenant_id = app.current_tenant() and id = ${id}
      and (status in ('pending', 'retrying')
           or (status = 'sending' and updated_at < now() - make_interval(secs => ${staleMs / 1000})))
    returning id`);
  return row !== null;
}

/** Records one attempt's outcome. */
export async function recordAttempt(
  tx: Tx,
  id: string,
  outcome: { status: DeliveryStatus; error: string | null; providerMessageId: string | null },
): Promise<DeliveryRow> {
  return tx.one(sql.type(deliveryRow)`
    update notifications.deliveries
    set status = ${outcome.status}, error = ${outcome.error}, provider_message_id = coalesce(${outcome.providerMessageId}, provider_message_id),
        attempts = attempts + 1, updated_at = date_trunc('milliseconds', now())
    where tenant_id = app.current_tenant() and id = ${id}
    returning ${columns}`);
}

export interface DeliveryPage {
  limit: number;
  /** Keyset: rows older than this (created_at ms, id). */
  before?: { createdAt: number; id: string } | undefined;
}

/** Newest first; one extra row tells the caller whether another page exists. */
export async function listDeliveries(tx: Tx, page: DeliveryPage): Promise<readonly DeliveryRow[]> {
  const before = page.before
    ? sql.fragment`and (created_at, id) < (${new Date(page.before.createdAt).toISOString()}::timestamptz, ${page.before.id}::uuid)`
    : sql.fragment``;
  return tx.any(sql.type(deliveryRow)`
    select ${columns} from notifications.deliveries
    where tenant_id = app.current_tenant() ${before}
    order by created_at desc, id desc limit ${page.limit + 1}`);
}
