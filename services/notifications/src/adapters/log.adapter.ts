import type { Logger } from '@duka/log';
import type { SendResult } from '../domain/delivery.js';
import type { DeliveryAdapter, OutgoingMessage } from './adapter.js';

/**
 * The embedded default (DESIGN §10): no network; the delivery row is the record. Logs the delivery id only,
 * never the recipient or the text.
 */
export class LogDeliveryAdapter implements DeliveryAdapter {
  readonly channel = 'log' as const;
  constructor(private readonly logger: Logger) {}

  async send(message: OutgoingMessage): Promise<SendResult> {
    this.logger.info({ deliveryId: message.deliveryId, tenant: message.tenantId, chars: message.text.length }, 'notification recorded (log channel)');
    return { ok: true, providerMessageId: `log-${message.deliveryId}` };
  }
}
