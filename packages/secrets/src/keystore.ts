/**
 * What services need from a KMS and secret store (DESIGN §8, §10). Two implementations: the local key store
 * (embedded default, master key under `.data/`) and Vault (production: KV v2 + Transit).
 */
export interface KeyStore {
  /** Envelope-encrypts personal data for one tenant; the result is an opaque string safe to store. */
  encrypt(tenantId: string, plaintext: string): Promise<string>;
  decrypt(tenantId: string, ciphertext: string): Promise<string>;
  /** Keyed blind index for equality lookups of encrypted values (e.g. a login email). */
  blindIndex(tenantId: string, purpose: string, value: string): Promise<string>;
  /** A 32-byte platform key by name (`internal-principal`, `mpesa-callback`), the same in every service. */
  namedKey(name: string): Promise<Buffer>;
  /** Reads a tenant secret document (`duka/tenants/<id>/<name>`), or null. */
  readTenantSecret(tenantId: string, name: string): Promise<Record<string, string> | null>;
  writeTenantSecret(tenantId: string, name: string, value: Record<string, string>): Promise<void>;
}
