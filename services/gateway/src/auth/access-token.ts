/**
 * Access-token verification (DESIGN §6): EdDSA only, the tenant's keys from KV `auth_jwks`, issuer, audience,
 * expiry, then the revocation not-before from KV `auth_revocations`.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { errors } from '../errors.js';
import type { AuthDirectory } from './directory.js';

const uuid = z.uuid();
const claimsSchema = z.object({
  sub: uuid,
  tid: uuid,
  role: z.enum(['owner', 'staff', 'viewer']),
  sid: z.string().min(1).max(64),
  amr: z.array(z.string().max(16)).max(8).default([]),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type AccessClaims = z.infer<typeof claimsSchema>;

const verifyOptions = { issuer: 'duka-identity', audience: 'duka', algorithms: ['EdDSA'], clockTolerance: 5 };
type KeySet = ReturnType<typeof createLocalJWKSet>;

export class AccessTokenVerifier {
  readonly #directory: AuthDirectory;
  /** Parsed key sets by tenant, rebuilt when the KV value changes. */
  readonly #sets = new Map<string, { text: string; set: KeySet }>();

  constructor(directory: AuthDirectory) {
    this.#directory = directory;
  }

  #keySet(tenantId: string, text: string): KeySet {
    const cached = this.#sets.get(tenantId);
    if (cached?.text === text) return cached.set;
    const set = createLocalJWKSet(JSON.parse(text) as JSONWebKeySet);
    this.#sets.set(tenantId, { text, set });
    return set;
  }

  /** The verified claims, or a 401 problem. */
  async verify(token: string): Promise<AccessClaims> {
    let tenantId: string;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== 'EdDSA' || typeof header.kid !== 'string') throw new Error('alg');
      tenantId = uuid.parse(decodeJwt(token).tid);
    } catch {
      throw errors.GATEWAY_INVALID_TOKEN();
    }
    let text = await this.#directory.jwks.lookup(tenantId);
    if (!text) throw errors.GATEWAY_INVALID_TOKEN();
    let payload: unknown;
    try {
      payload = (await jwtVerify(token, this.#keySet(tenantId, text), verifyOptions)).payload;
    } catch (err) {
      // A kid we do not know yet may be a key rotated in a moment ago: read the bucket once more.
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw errors.GATEWAY_INVALID_TOKEN(tokenProblem(err));
      text = await this.#directory.jwks.refresh(tenantId);
      if (!text) throw errors.GATEWAY_INVALID_TOKEN();
      try {
        payload = (await jwtVerify(token, this.#keySet(tenantId, text), verifyOptions)).payload;
      } catch (again) {
        throw errors.GATEWAY_INVALID_TOKEN(tokenProblem(again));
      }
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success || claims.data.tid !== tenantId) throw errors.GATEWAY_INVALID_TOKEN();
    // iat has second precision: a token from the very second of the revocation is refused too (fail closed).
    const notBefore = this.#directory.notBefore(tenantId, claims.data.sub);
    if (notBefore > 0 && claims.data.iat * 1000 <= notBefore) {
      throw errors.GATEWAY_TOKEN_REVOKED();
    }
    return claims.data;
  }
}

function tokenProblem(err: unknown): string {
  return err instanceof joseErrors.JWTExpired ? 'The access token has expired' : 'The access token is not valid';
}
