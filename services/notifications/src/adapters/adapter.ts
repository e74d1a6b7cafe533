import type { Channel, SendResult } from '../domain/delivery.js';

export interface OutgoingMessage {
  tenantId: string;
  deliveryId: string;
  /** E.164 phone number, decrypted just for this call; adapters must never log it. */
  to: string;
  text: string;
}

/** One way of delivering a message (DESIGN §2: WhatsApp Cloud API, SMS, or the recorded log). */
export interface DeliveryAdapter {
  readonly channel: Channel;
  send(message: OutgoingMessage): Promise<SendResult>;
  close?(): void;
}
