import type { SendResult } from '../domain/delivery.js';
import type { DeliveryAdapter, OutgoingMessage } from './adapter.js';
import { errorSummary, HttpProvider, type BreakerSettings, type ProviderResponse } from './http-provider.js';

export interface SmsSettings {
  username: string;
  apiKey: string;
  /** Default https://api.africastalking.com (sandbox: https://api.sandbox.africastalking.com) */
  apiBase: string;
  /** Optional registered sender id or short code. */
  from?: string | undefined;
  breaker: BreakerSettings;
}

/** Africa's Talking SMS: `POST {base}/version1/messaging`, form-encoded, `apiKey` header. */
export class SmsAdapter implements DeliveryAdapter {
  readonly channel = 'sms' as const;
  readonly #http: HttpProvider;
  readonly #url: string;

  constructor(
    private readonly settings: SmsSettings,
    fetchImpl: typeof fetch = fetch,
  ) {
    this.#http = new HttpProvider('sms', settings.breaker, fetchImpl);
    this.#url = `${settings.apiBase.replace(/\/+$/, '')}/version1/messaging`;
  }

  send(message: OutgoingMessage): Promise<SendResult> {
    const form = new URLSearchParams({ username: this.settings.username, to: message.to, message: message.text });
    if (this.settings.from) form.set('from', this.settings.from);
    return this.#http.post(
      this.#url,
      {
        headers: { apiKey: this.settings.apiKey, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      },
      interpret,
    );
  }

  close(): void {
    this.#http.close();
  }
}

interface AtReply {
  SMSMessageData?: { Message?: string; Recipients?: Array<{ status?: string; statusCode?: number; messageId?: string }> };
}

// Africa's Talking per-recipient status codes: 100-102 accepted; 401-409 refused for this message (bad number,
// blacklisted, no balance...); 500-501 their side, worth retrying.
function interpret(r: ProviderResponse): SendResult {
  const reply = (r.body ?? {}) as AtReply;
  const rec = reply.SMSMessageData?.Recipients?.[0];
  if (r.status >= 200 && r.status < 300 && rec && rec.statusCode !== undefined && rec.statusCode >= 100 && rec.statusCode <= 102) {
    return { ok: true, ...(rec.messageId ? { providerMessageId: rec.messageId } : {}) };
  }
  if (rec?.statusCode !== undefined) {
    return { ok: false, error: `sms: ${rec.statusCode} ${rec.status ?? ''}`.trim(), retryable: rec.statusCode >= 500 };
  }
  return { ok: false, error: `sms: HTTP ${r.status} ${errorSummary(reply.SMSMessageData?.Message ?? r.body)}`.trim(), retryable: false };
}
