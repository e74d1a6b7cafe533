/**
 * Per-tenant Ed25519 signing keys (DESIGN §6): generated at signup, the private JWK stored encrypted by the key
 * store, the public JWKS published to KV `auth_jwks`. Access tokens are EdDSA JWTs with `kid` in the header.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { withTenant, type DatabasePool } from '@duka/db';
import type { KeyStore } from '@duka/secrets';
import { findActiveKey } from './store/signing-key.store.js';
import { tokenAudience, tokenIssuer, type AccessClaims } from './domain/tokens.js';

export interface NewSigningKey {
  kid: string;
  publicJwk: JWK;
  privateJwkCiphertext: string;
}

/** Makes a fresh key pair for a tenant; the private half leaves this function only encrypted. */
export async function generateSigningKey(keystore: KeyStore, tenantId: string): Promise<NewSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const kid = randomBytes(12).toString('base64url');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
  const privateJwkCiphertext = await keystore.encrypt(tenantId, JSON.stringify(privateJwk));
  return { kid, publicJwk, privateJwkCiphertext };
}

/** Signs access tokens with each tenant's active key; decrypted keys are kept in memory for a few minutes. */
export class TokenSigner {
  readonly #cache = new Map<string, { kid: string; key: CryptoKey; at: number }>();
  readonly #pool: DatabasePool;
  readonly #keystore: KeyStore;
  readonly #ttlSeconds: number;

  constructor(opts: { pool: DatabasePool; keystore: KeyStore; ttlSeconds: number }) {
    this.#pool = opts.pool;
    this.#keystore = opts.keystore;
    this.#ttlSeconds = opts.ttlSeconds;
  }

  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  async #key(tenantId: string): Promise<{ kid: string; key: CryptoKey }> {
    const cached = this.#cache.get(tenantId);
    if (cached && Date.now() - cached.at < 300_000) return cached;
    const row = await withTenant(this.#pool, tenantId, (tx) => findActiveKey(tx));
    if (!row) throw new Error('no active signing key for tenant');
    const jwk = JSON.parse(await this.#keystore.decrypt(tenantId, row.private_jwk_ciphertext)) as JWK;
    const key = (await importJWK(jwk, 'EdDSA')) as CryptoKey;
    const entry = { kid: row.kid, key, at: Date.now() };
    this.#cache.set(tenantId, entry);
    return entry;
  }

  /** Issues a 5-minute access token (iss, aud, sub, tid, role, sid, amr, iat, exp; kid in the header). */
  async sign(claims: AccessClaims): Promise<string> {
    const { kid, key } = await this.#key(claims.tid);
    return new SignJWT({ tid: claims.tid, role: claims.role, sid: claims.sid, amr: claims.amr })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
      .setIssuer(tokenIssuer)
      .setAudience(tokenAudience)
      .setSubject(claims.sub)
      .setIssuedAt()
      .setExpirationTime(`${this.#ttlSeconds}s`)
      .sign(key);
  }
}
