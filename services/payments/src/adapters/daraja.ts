/**
 * One Daraja client per M-Pesa app (tenant credentials from the key store, else the platform default), so each app
 * keeps its own token cache and circuit breaker (DESIGN §7).
 */
import { createHash } from 'node:crypto';
import { DarajaClient, type DarajaBreakerOptions } from '@duka/mpesa';
import type { KeyStore } from '@duka/secrets';
import type { Logger } from '@duka/log';
import type { MpesaCredentials } from '../config.js';

/** What payments needs of a Daraja client (the real DarajaClient satisfies it). */
export type DarajaPort = Pick<DarajaClient, 'stkPush' | 'stkQuery'>;

export interface DarajaProviderOptions {
  keystore: KeyStore;
  logger: Logger;
  baseUrl: string;
  platform: MpesaCredentials | null;
  timeoutMs?: number;
  breaker?: DarajaBreakerOptions;
  /** How long a tenant's credential lookup is reused (default 60 s). */
  credentialTtlMs?: number;
}

const credentialFields = ['shortcode', 'passkey', 'consumerKey', 'consumerSecret'] as const;

function readCredentials(doc: Record<string, string>): MpesaCredentials | null {
  for (const f of credentialFields) if (typeof doc[f] !== 'string' || doc[f] === '') return null;
  if (!/^\d{5,7}$/.test(doc.shortcode!)) return null;
  return { shortcode: doc.shortcode!, passkey: doc.passkey!, consumerKey: doc.consumerKey!, consumerSecret: doc.consumerSecret! };
}

export class DarajaProvider {
  readonly #o: DarajaProviderOptions;
  readonly #clients = new Map<string, DarajaClient>();
  readonly #tenants = new Map<string, { fingerprint: string | null; at: number }>();

  constructor(opts: DarajaProviderOptions) {
    this.#o = opts;
  }

  /** The client for a tenant's M-Pesa app, or null when neither the tenant nor the platform has credentials. */
  async forTenant(tenantId: string): Promise<DarajaPort | null> {
    const cached = this.#tenants.get(tenantId);
    if (cached && Date.now() - cached.at < (this.#o.credentialTtlMs ?? 60_000)) {
      return cached.fingerprint === null ? null : (this.#clients.get(cached.fingerprint) ?? this.#resolve(tenantId));
    }
    return this.#resolve(tenantId);
  }

  async #resolve(tenantId: string): Promise<DarajaPort | null> {
    let creds: MpesaCredentials | null = this.#o.platform;
    const doc = await this.#o.keystore.readTenantSecret(tenantId, 'mpesa');
    if (doc) {
      creds = readCredentials(doc);
      // A malformed tenant document must not fall back to the platform paybill: money would go elsewhere.
      if (!creds) this.#o.logger.error({ tenant: tenantId }, 'tenant M-Pesa credentials are incomplete: payments disabled');
    }
    if (!creds) {
      this.#tenants.set(tenantId, { fingerprint: null, at: Date.now() });
      return null;
    }
    const fingerprint = createHash('sha256')
      .update([this.#o.baseUrl, creds.shortcode, creds.passkey, creds.consumerKey, creds.consumerSecret].join('\0'))
      .digest('hex');
    let client = this.#clients.get(fingerprint);
    if (!client) {
      client = new DarajaClient({
        baseUrl: this.#o.baseUrl,
        ...creds,
        ...(this.#o.timeoutMs ? { timeoutMs: this.#o.timeoutMs } : {}),
        ...(this.#o.breaker ? { breaker: this.#o.breaker } : {}),
      });
      this.#clients.set(fingerprint, client);
    }
    this.#tenants.set(tenantId, { fingerprint, at: Date.now() });
    return client;
  }

  close(): void {
    for (const c of this.#clients.values()) c.close();
    this.#clients.clear();
  }
}
