import type { Bus, BusMessage } from '@duka/bus';
import { decodeMessage, notificationSend } from '@duka/contracts';
import { deliver, type DeliverDeps } from './deliver.js';
import { BadMessageError } from './payments.consumer.js';

export const SEND_DURABLE = 'notifications-send';

/** cmd.notifications.send.<tenant> -> render the named template for the encrypted recipient and deliver it. */
export async function handleSendCommand(deps: DeliverDeps, msg: BusMessage, maxAttempts: number): Promise<void> {
  const tokens = msg.subject.split('.');
  const tenantId = tokens[3];
  if (tokens.length !== 4 || `${tokens.slice(0, 3).join('.')}.*` !== notificationSend.filter || !tenantId) {
    throw new BadMessageError(`unexpected subject ${msg.subject}`);
  }
  const cmd = decodeMessage(notificationSend.schema, msg.data);
  if (cmd.meta?.tenantId !== tenantId) throw new BadMessageError('meta.tenantId differs from the subject tenant');
  const eventId = cmd.meta.eventId || msg.msgId;
  if (!eventId) throw new BadMessageError('command without an id');
  await deliver(deps, {
    tenantId,
    eventId,
    requestId: cmd.meta.requestId || msg.requestId,
    paymentId: cmd.vars.paymentId ?? null,
    template: cmd.template,
    vars: cmd.vars,
    recipientCiphertext: cmd.recipientCiphertext,
    channel: cmd.channel,
    lastAttempt: msg.deliveryCount >= maxAttempts,
  });
}

export async function startSendConsumer(bus: Bus, deps: DeliverDeps, maxAttempts: number): Promise<void> {
  await bus.consume({
    stream: 'CMD',
    durable: SEND_DURABLE,
    filter: notificationSend.filter, // cmd.notifications.send.*
    maxDeliver: maxAttempts,
    concurrency: 4,
    handler: (msg) => handleSendCommand(deps, msg, maxAttempts),
  });
}
