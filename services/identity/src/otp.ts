/**
 * TOTP for owners (DESIGN §6) with otplib v13, and the short-lived state around it in Redis: pending enrolment
 * secrets (encrypted), login challenges, and the last accepted time step per user (a code works once).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { generateSecret, generateURI, verify } from 'otplib';
import type { KeyStore } from '@duka/secrets';

export interface MfaChallenge {
  tenantId: string;
  userId: string;
  role: 'owner' | 'staff' | 'viewer';
  attempts: number;
}

const challengeTtlSeconds = 300;
const maxChallengeAttempts = 5;

export class OtpState {
  readonly #redis: Redis;
  readonly #keystore: KeyStore;
  readonly #prefix: string;

  constructor(opts: { redis: Redis; keystore: KeyStore; namespace: string }) {
    this.#redis = opts.redis;
    this.#keystore = opts.keystore;
    this.#prefix = `duka:${opts.namespace || 'default'}:identity:otp:`;
  }

  /** A new secret, kept (encrypted) for 10 minutes until the owner confirms a code from it. */
  async beginEnrolment(tenantId: string, userId: string, label: string): Promise<{ secret: string; otpauthUri: string }> {
    const secret = generateSecret();
    const sealed = await this.#keystore.encrypt(tenantId, secret);
    await this.#redis.set(`${this.#prefix}pending:${tenantId}:${userId}`, sealed, 'EX', 600);
    return { secret, otpauthUri: generateURI({ issuer: 'Duka', label, secret }) };
  }

  /** The pending secret's ciphertext if `code` matches it (and is not a replay). */
  async confirmEnrolment(tenantId: string, userId: string, code: string): Promise<string | null> {
    const key = `${this.#prefix}pending:${tenantId}:${userId}`;
    const sealed = await this.#redis.get(key);
    if (!sealed) return null;
    if (!(await this.check(tenantId, userId, sealed, code))) return null;
    await this.#redis.del(key);
    return sealed;
  }

  /** Verifies a code against an enrolled (encrypted) secret; each time step is accepted once per user. */
  async check(tenantId: string, userId: string, sealedSecret: string, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const secret = await this.#keystore.decrypt(tenantId, sealedSecret);
    const lastKey = `${this.#prefix}last:${tenantId}:${userId}`;
    const last = await this.#redis.get(lastKey);
    const result = await verify({ secret, token: code, epochTolerance: 30, ...(last ? { afterTimeStep: Number(last) } : {}) });
    if (!result.valid) return false;
    const step = 'timeStep' in result ? result.timeStep : Math.floor(Date.now() / 30_000);
    // SET ... GET returns the previous value: of two requests racing with one code, only one passes.
    const previous = await this.#redis.set(lastKey, String(step), 'EX', 300, 'GET');
    return previous === null || Number(previous) < step;
  }

  /** A login challenge: an opaque value the client returns with its code. */
  async createChallenge(c: Omit<MfaChallenge, 'attempts'>): Promise<string> {
    const challenge = randomBytes(32).toString('base64url');
    await this.#redis.set(this.#challengeKey(challenge), JSON.stringify({ ...c, attempts: 0 }), 'EX', challengeTtlSeconds);
    return challenge;
  }

  async readChallenge(challenge: string): Promise<MfaChallenge | null> {
    const raw = await this.#redis.get(this.#challengeKey(challenge));
    return raw ? (JSON.parse(raw) as MfaChallenge) : null;
  }

  /** Counts a wrong code; the challenge dies after five. */
  async failChallenge(challenge: string, c: MfaChallenge): Promise<void> {
    const key = this.#challengeKey(challenge);
    if (c.attempts + 1 >= maxChallengeAttempts) await this.#redis.del(key);
    else await this.#redis.set(key, JSON.stringify({ ...c, attempts: c.attempts + 1 }), 'KEEPTTL');
  }

  /** Consumes the challenge; false when another request already did. */
  async consumeChallenge(challenge: string): Promise<boolean> {
    return (await this.#redis.del(this.#challengeKey(challenge))) === 1;
  }

  #challengeKey(challenge: string): string {
    return `${this.#prefix}challenge:${createHash('sha256').update(challenge).digest('base64url')}`;
  }
}
