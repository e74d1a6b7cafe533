import { randomUUID } from 'node:crypto';
import type { OutboxRelay } from '@duka/bus';
import { encodeEvent, eventSubject } from '@duka/contracts';
import { enqueue, withTenant, type DatabasePool, type Tx } from '@duka/db';
import type { Logger } from '@duka/log';
import type { KeyStore } from '@duka/secrets';
import type { AdapterSet } from '../adapters/index.js';
import { isFinal, nextStatus, type SendResult } from '../domain/delivery.js';
import { isE164, maskRecipient } from '../domain/recipient.js';
import { defaultTemplates, render, type Rendered } from '../domain/template.js';
import { claimDelivery, insertDelivery, recordAttempt, type DeliveryRow } from '../store/deliveries.store.js';
import { findTenantTemplate } from '../store/templates.store.js';

export interface DeliverDeps {
  pool: DatabasePool;
  keystore: KeyStore;
  adapters: AdapterSet;
  relay: OutboxRelay;
  logger: Logger;
  /** An attempt "sending" for longer than this is presumed dead and may be taken over (default 60 s). */
  staleSendMs?: number;
}

/** One request to notify someone, from an event or a command. */
export interface DeliveryRequest {
  tenantId: string;
  /** Id of the event or command: one delivery per id and tenant. */
  eventId: string;
  requestId: string;
  paymentId: string | null;
  template: string;
  vars: Readonly<Record<string, string>>;
  recipientCiphertext: string;
  /** Channel asked for by a command; events use the default. */
  channel?: string;
  /** The bus will not deliver this message again: a retryable failure is now final. */
  lastAttempt: boolean;
}

/** Thrown to have the bus redeliver later (a retryable send failure, or another worker holds the delivery). */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

type Prepared = { ok: true; to: string; rendered: Rendered } | { ok: false; error: string; masked: string; stored: string };

async function prepare(deps: DeliverDeps, tx: Tx, req: DeliveryRequest, channel: string): Promise<Prepared> {
  const own = await findTenantTemplate(tx, req.template, channel);
  const spec = defaultTemplates[req.template];
  const body = own ?? spec?.body;
  if (!body) return { ok: false, error: 'TEMPLATE_NOT_FOUND', masked: '•••', stored: '' };
  const rendered = render(body, req.vars, spec?.sensitive ?? []);
  if (!req.recipientCiphertext) return { ok: false, error: 'NO_RECIPIENT', masked: '•••', stored: rendered.stored };
  let to: string;
  try {
    to = await deps.keystore.decrypt(req.tenantId, req.recipientCiphertext);
  } catch {
    return { ok: false, error: 'RECIPIENT_UNREADABLE', masked: '•••', stored: rendered.stored };
  }
  if (!isE164(to)) return { ok: false, error: 'RECIPIENT_NOT_E164', masked: maskRecipient(to), stored: rendered.stored };
  return { ok: true, to, rendered };
}

/** Writes `notifications.delivery.recorded` to the outbox (same transaction as the final status); returns its id. */
async function recordEvent(tx: Tx, row: DeliveryRow, requestId: string): Promise<string> {
  const id = randomUUID();
  const type = 'notifications.delivery.recorded' as const;
  return enqueue(tx, 'notifications', {
    id,
    tenantId: row.tenant_id,
    subject: eventSubject(type, row.tenant_id),
    eventType: type,
    payload: encodeEvent(type, {
      meta: {
        eventId: id,
        tenantId: row.tenant_id,
        occurredAtMs: BigInt(Date.now()),
        requestId,
        actor: { kind: 'system', id: 'notifications', role: '' },
      },
      deliveryId: row.id,
      channel: row.channel,
      template: row.template,
      status: row.status,
    }),
    headers: requestId ? { 'Duka-Request-Id': requestId } : {},
  });
}

/**
 * Delivers one request at most once per event id (the unique key on deliveries makes a redelivered message find
 * its row instead of sending again): record the delivery, claim it, send outside any transaction, record the
 * outcome and, when final, the `notifications.delivery.recorded` event.
 */
export async function deliver(deps: DeliverDeps, req: DeliveryRequest): Promise<DeliveryRow> {
  const log = deps.logger.child({ tenant: req.tenantId, reqId: req.requestId, eventId: req.eventId });
  const adapter = deps.adapters.pick(req.channel);
  const outbox: string[] = [];

  const claimed = await withTenant(deps.pool, req.tenantId, async (tx) => {
    const p = await prepare(deps, tx, req, adapter.channel);
    const { row, created } = await insertDelivery(tx, {
      id: randomUUID(),
      tenantId: req.tenantId,
      eventId: req.eventId,
      paymentId: req.paymentId,
      channel: adapter.channel,
      template: req.template,
      recipientCiphertext: req.recipientCiphertext,
      recipientMasked: p.ok ? maskRecipient(p.to) : p.masked,
      body: p.ok ? p.rendered.stored : p.stored,
      status: p.ok ? 'pending' : 'failed',
      error: p.ok ? null : p.error,
    });
    if (created && !p.ok) {
      outbox.push(await recordEvent(tx, row, req.requestId));
      return { row, send: null };
    }
    if (isFinal(row.status)) return { row, send: null };
    if (!p.ok) return { row, send: null }; // the first attempt recorded it; nothing new can be sent
    if (!(await claimDelivery(tx, row.id, deps.staleSendMs ?? 60_000))) throw new RetryLater('delivery is being sent by another worker');
    return { row, send: { to: p.to, text: p.rendered.text } };
  });
  await deps.relay.publish(req.tenantId, outbox.splice(0));

  if (!claimed.send) {
    log.info({ deliveryId: claimed.row.id, status: claimed.row.status }, 'delivery already recorded');
    return claimed.row;
  }

  const channelAdapter = deps.adapters.forChannel(claimed.row.channel);
  let result: SendResult;
  try {
    result = await channelAdapter.send({ tenantId: req.tenantId, deliveryId: claimed.row.id, to: claimed.send.to, text: claimed.send.text });
  } catch (err) {
    result = { ok: false, error: `${channelAdapter.channel}: ${(err as Error).name}`, retryable: true };
  }
  const status = nextStatus(result, req.lastAttempt);
  const done = await withTenant(deps.pool, req.tenantId, async (tx) => {
    const row = await recordAttempt(tx, claimed.row.id, {
      status,
      error: result.ok ? null : result.error,
      providerMessageId: result.ok ? (result.providerMessageId ?? null) : null,
    });
    if (isFinal(row.status)) outbox.push(await recordEvent(tx, row, req.requestId));
    return row;
  });
  await deps.relay.publish(req.tenantId, outbox);
  log.info({ deliveryId: done.id, channel: done.channel, status: done.status, attempts: done.attempts, error: done.error ?? undefined }, 'delivery attempt recorded');
  if (done.status === 'retrying') throw new RetryLater(`send failed, will retry: ${done.error ?? ''}`);
  return done;
}
