import type { Bus, BusMessage } from '@duka/bus';
import { decodeEvent, events, parseEventSubject } from '@duka/contracts';
import { RECEIPT_TEMPLATE, receiptVars } from '../domain/template.js';
import { deliver, type DeliverDeps } from './deliver.js';

export const PAYMENTS_DURABLE = 'notifications-payments';
const succeeded = events['payments.payment.succeeded'];

/** A message that redelivery cannot fix (wrong subject, tenant mismatch). */
export class BadMessageError extends Error {
  override readonly name = 'BadMessageError';
}

/** payments.payment.succeeded -> a receipt to the payer. */
export async function handlePaymentSucceeded(deps: DeliverDeps, msg: BusMessage, maxAttempts: number): Promise<void> {
  const parsed = parseEventSubject(msg.subject);
  if (parsed?.type !== succeeded.type) throw new BadMessageError(`unexpected subject ${msg.subject}`);
  const evt = decodeEvent(succeeded.type, msg.data);
  if (evt.meta?.tenantId !== parsed.tenantId) throw new BadMessageError('meta.tenantId differs from the subject tenant');
  await deliver(deps, {
    tenantId: parsed.tenantId,
    eventId: evt.meta.eventId || msg.msgId,
    requestId: evt.meta.requestId || msg.requestId,
    paymentId: evt.paymentId || null,
    template: RECEIPT_TEMPLATE,
    vars: receiptVars(evt),
    recipientCiphertext: evt.phoneCiphertext,
    lastAttempt: msg.deliveryCount >= maxAttempts,
  });
}

export async function startPaymentsConsumer(bus: Bus, deps: DeliverDeps, maxAttempts: number): Promise<void> {
  await bus.consume({
    stream: 'EVENTS',
    durable: PAYMENTS_DURABLE,
    filter: succeeded.filter, // evt.payments.payment.succeeded.*
    maxDeliver: maxAttempts,
    concurrency: 4,
    handler: (msg) => handlePaymentSucceeded(deps, msg, maxAttempts),
  });
}
