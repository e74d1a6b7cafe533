import type { SendResult } from '../domain/delivery.js';
import type { DeliveryAdapter, OutgoingMessage } from './adapter.js';
import { errorSummary, HttpProvider, type BreakerSettings, type ProviderResponse } from './http-provider.js';

export interface WhatsAppSettings {
  token: string;
  phoneNumberId: string;
  /** Default https://graph.facebook.com */
  apiBase: string;
  /** Default v21.0 */
  apiVersion: string;
  breaker: BreakerSettings;
}

/** WhatsApp Cloud API: `POST {base}/{version}/{phone-number-id}/messages` with a bearer token. */
export class WhatsAppCloudAdapter implements DeliveryAdapter {
  readonly channel = 'whatsapp' as const;
  readonly #http: HttpProvider;
  readonly #url: string;

  constructor(
    private readonly settings: WhatsAppSettings,
    fetchImpl: typeof fetch = fetch,
  ) {
    this.#http = new HttpProvider('whatsapp', settings.breaker, fetchImpl);
    this.#url = `${settings.apiBase.replace(/\/+$/, '')}/${settings.apiVersion}/${encodeURIComponent(settings.phoneNumberId)}/messages`;
  }

  send(message: OutgoingMessage): Promise<SendResult> {
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: message.to.replace(/^\+/, ''),
      type: 'text',
      text: { preview_url: false, body: message.text },
    };
    return this.#http.post(
      this.#url,
      {
        headers: { authorization: `Bearer ${this.settings.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      interpret,
    );
  }

  close(): void {
    this.#http.close();
  }
}

function interpret(r: ProviderResponse): SendResult {
  const id = (r.body as { messages?: Array<{ id?: string }> } | null)?.messages?.[0]?.id;
  if (r.status >= 200 && r.status < 300 && id) return { ok: true, providerMessageId: id };
  const err = (r.body as { error?: { code?: number; message?: string } } | null)?.error;
  return { ok: false, error: `whatsapp: HTTP ${r.status}${err ? ` ${err.code ?? ''} ${errorSummary(err.message ?? '')}` : ''}`.trim(), retryable: false };
}
