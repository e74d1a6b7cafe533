import nodeVault from 'node-vault';
import type { KeyStore } from './keystore.js';

export interface VaultOptions {
  endpoint: string;
  token: string;
  /** KV v2 mount (default `duka`): tenant secrets at `<mount>/data/tenants/<id>/<name>`. */
  kvMount?: string;
  /** Transit mount (default `transit`), with keys `duka-pii` (derived, context = tenant) and `duka-blind-index`. */
  transitMount?: string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * Production key store on HashiCorp Vault: Transit encrypts personal data (a derived key per tenant through the
 * `context` parameter) and computes blind indexes (HMAC); KV v2 holds tenant M-Pesa credentials and the platform's
 * named keys. Policies: deploy/vault/policies/.
 */
export class VaultKeyStore implements KeyStore {
  readonly #vault: nodeVault.client;
  readonly #kv: string;
  readonly #transit: string;
  readonly #named = new Map<string, Buffer>();

  constructor(opts: VaultOptions) {
    this.#vault = nodeVault({ apiVersion: 'v1', endpoint: opts.endpoint, token: opts.token });
    this.#kv = opts.kvMount ?? 'duka';
    this.#transit = opts.transitMount ?? 'transit';
  }

  async encrypt(tenantId: string, plaintext: string): Promise<string> {
    const res = await this.#vault.write(`${this.#transit}/encrypt/duka-pii`, { plaintext: b64(plaintext), context: b64(tenantId) });
    return res.data.ciphertext as string;
  }

  async decrypt(tenantId: string, ciphertext: string): Promise<string> {
    const res = await this.#vault.write(`${this.#transit}/decrypt/duka-pii`, { ciphertext, context: b64(tenantId) });
    return Buffer.from(res.data.plaintext as string, 'base64').toString('utf8');
  }

  async blindIndex(tenantId: string, purpose: string, value: string): Promise<string> {
    const res = await this.#vault.write(`${this.#transit}/hmac/duka-blind-index/sha2-256`, {
      input: b64(`${purpose}:${tenantId}:${value}`),
    });
    return res.data.hmac as string;
  }

  async namedKey(name: string): Promise<Buffer> {
    const cached = this.#named.get(name);
    if (cached) return cached;
    const res = await this.#vault.read(`${this.#kv}/data/platform/keys`);
    const value = (res.data.data as Record<string, string>)[name];
    if (!value) throw new Error(`vault: platform key ${name} is missing`);
    const key = Buffer.from(value, 'base64');
    this.#named.set(name, key);
    return key;
  }

  async readTenantSecret(tenantId: string, name: string): Promise<Record<string, string> | null> {
    try {
      const res = await this.#vault.read(`${this.#kv}/data/tenants/${tenantId}/${name}`);
      return res.data.data as Record<string, string>;
    } catch (err) {
      if ((err as { response?: { statusCode?: number } }).response?.statusCode === 404) return null;
      throw err;
    }
  }

  async writeTenantSecret(tenantId: string, name: string, value: Record<string, string>): Promise<void> {
    await this.#vault.write(`${this.#kv}/data/tenants/${tenantId}/${name}`, { data: value });
  }
}
