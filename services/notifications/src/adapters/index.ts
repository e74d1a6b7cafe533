import type { Logger } from '@duka/log';
import { channelConfigured, type NotificationsConfig } from '../config.js';
import type { Channel } from '../domain/delivery.js';
import type { DeliveryAdapter } from './adapter.js';
import { LogDeliveryAdapter } from './log.adapter.js';
import { SmsAdapter } from './sms.adapter.js';
import { WhatsAppCloudAdapter } from './whatsapp.adapter.js';

export type { DeliveryAdapter, OutgoingMessage } from './adapter.js';
export { LogDeliveryAdapter, SmsAdapter, WhatsAppCloudAdapter };

/** The adapters a service instance can use: the default one and every configured network channel. */
export class AdapterSet {
  constructor(
    readonly fallback: DeliveryAdapter,
    private readonly byChannel: ReadonlyMap<Channel, DeliveryAdapter>,
  ) {}

  /**
   * The adapter for a requested channel: a configured network channel when asked for by name, else the
   * default. `log` is never picked on request: in production a message must not silently go nowhere.
   */
  pick(requested?: string): DeliveryAdapter {
    if (requested === 'whatsapp' || requested === 'sms') return this.byChannel.get(requested) ?? this.fallback;
    return this.fallback;
  }

  /** The adapter that serves a stored delivery's channel (retries keep their channel when it still exists). */
  forChannel(channel: Channel): DeliveryAdapter {
    return this.byChannel.get(channel) ?? this.fallback;
  }

  close(): void {
    for (const a of new Set([this.fallback, ...this.byChannel.values()])) a.close?.();
  }
}

export function createAdapters(config: NotificationsConfig, logger: Logger, fetchImpl: typeof fetch = fetch): AdapterSet {
  const breaker = { timeoutMs: config.NOTIFY_TIMEOUT_MS, resetTimeoutMs: config.NOTIFY_BREAKER_RESET_MS };
  const map = new Map<Channel, DeliveryAdapter>([['log', new LogDeliveryAdapter(logger)]]);
  if (channelConfigured(config, 'whatsapp')) {
    map.set(
      'whatsapp',
      new WhatsAppCloudAdapter(
        {
          token: config.WHATSAPP_TOKEN!,
          phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID!,
          apiBase: config.WHATSAPP_API_BASE,
          apiVersion: config.WHATSAPP_API_VERSION,
          breaker,
        },
        fetchImpl,
      ),
    );
  }
  if (channelConfigured(config, 'sms')) {
    map.set(
      'sms',
      new SmsAdapter(
        { username: config.AT_USERNAME!, apiKey: config.AT_API_KEY!, apiBase: config.AT_API_BASE, from: config.AT_SENDER_ID, breaker },
        fetchImpl,
      ),
    );
  }
  return new AdapterSet(map.get(config.NOTIFY_CHANNEL)!, map);
}
