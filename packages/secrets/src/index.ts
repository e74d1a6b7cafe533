/**
 * Secrets and KMS for Duka services. `createKeyStore` picks Vault when `VAULT_ADDR` is set, else the local key
 * store (the embedded default).
 */
import { LocalKeyStore } from './local.js';
import { VaultKeyStore } from './vault.js';
import type { KeyStore } from './keystore.js';

export type { KeyStore };
export { LocalKeyStore, VaultKeyStore };
export { signPrincipal, verifyPrincipal, type Principal } from './principal.js';

export interface KeyStoreSettings {
  KEYSTORE_PATH: string;
  VAULT_ADDR?: string | undefined;
  VAULT_TOKEN?: string | undefined;
}

export function createKeyStore(settings: KeyStoreSettings): KeyStore {
  if (settings.VAULT_ADDR) {
    if (!settings.VAULT_TOKEN) throw new Error('VAULT_TOKEN is required when VAULT_ADDR is set');
    return new VaultKeyStore({ endpoint: settings.VAULT_ADDR, token: settings.VAULT_TOKEN });
  }
  return new LocalKeyStore(settings.KEYSTORE_PATH);
}

/** Masks all but the last `keep` characters (`••••••1234`); for showing credentials and receipts. */
export function mask(value: string, keep = 4): string {
  if (value.length <= keep) return '•'.repeat(value.length);
  return '•'.repeat(Math.min(8, value.length - keep)) + value.slice(-keep);
}
