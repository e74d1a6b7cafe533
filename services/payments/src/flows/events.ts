/** Outbox rows for the payment events (STYLE 6): written in the transaction that changes the intent. */
import { randomUUID } from 'node:crypto';
import { enqueue, type Tx } from '@duka/db';
import { encodeEvent, eventSubject, type EventInit, type EventType } from '@duka/contracts';
import type { IntentRow } from '../store/intent.store.js';

export const SCHEMA = 'payments';

export interface EventCtx {
  tenantId: string;
  requestId: string;
  actor: { kind: 'user' | 'shopper' | 'system' | 'mpesa'; id: string; role?: string };
}

async function write<T extends EventType>(tx: Tx, ctx: EventCtx, type: T, body: (meta: EventInit<T>['meta']) => EventInit<T>): Promise<string> {
  const id = randomUUID();
  const meta = {
    eventId: id,
    tenantId: ctx.tenantId,
    occurredAtMs: BigInt(Date.now()),
    requestId: ctx.requestId,
    actor: { kind: ctx.actor.kind, id: ctx.actor.id, role: ctx.actor.role ?? '' },
  };
  return enqueue(tx, SCHEMA, {
    id,
    tenantId: ctx.tenantId,
    subject: eventSubject(type, ctx.tenantId),
    eventType: type,
    payload: encodeEvent(type, body(meta)),
    headers: ctx.requestId ? { 'Duka-Request-Id': ctx.requestId } : {},
  });
}

export function paymentCreated(tx: Tx, ctx: EventCtx, p: { paymentId: string; orderId: string; amountCents: number; currency: string }): Promise<string> {
  return write(tx, ctx, 'payments.payment.created', (meta) => ({
    meta,
    paymentId: p.paymentId,
    orderId: p.orderId,
    amountCents: BigInt(p.amountCents),
    currency: p.currency,
  }));
}

/** `succeeded` for a success, `failed` (with the terminal status and reason) for every other final state. */
export function paymentSettled(tx: Tx, ctx: EventCtx, intent: IntentRow): Promise<string> {
  if (intent.status === 'succeeded') {
    return write(tx, ctx, 'payments.payment.succeeded', (meta) => ({
      meta,
      paymentId: intent.id,
      orderId: intent.order_id,
      amountCents: BigInt(intent.amount_cents),
      currency: intent.currency,
      receiptMasked: intent.receipt_masked ?? '',
      // Already keystore.encrypt(tenant, E.164 phone): the plaintext never leaves the service.
      phoneCiphertext: intent.phone_ciphertext,
    }));
  }
  return write(tx, ctx, 'payments.payment.failed', (meta) => ({
    meta,
    paymentId: intent.id,
    orderId: intent.order_id,
    status: intent.status,
    reason: intent.failure_reason ?? '',
  }));
}
