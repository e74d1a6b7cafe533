/**
 * Login back-off in Redis (DESIGN §6): failures are counted per account (tenant + email blind index) and per
 * client IP; past the threshold each failure locks the key for an exponentially growing time.
 */
import type { Redis } from 'ioredis';
import { lockSeconds, type BackoffPolicy } from './domain/backoff.js';

export interface ThrottleKeys {
  account: string;
  ip: string;
}

const failureWindowSeconds = 3_600;

export class LoginThrottle {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #account: BackoffPolicy;
  readonly #ip: BackoffPolicy;

  constructor(opts: { redis: Redis; namespace: string; account: BackoffPolicy; ip: BackoffPolicy }) {
    this.#redis = opts.redis;
    this.#prefix = `duka:${opts.namespace || 'default'}:identity:login:`;
    this.#account = opts.account;
    this.#ip = opts.ip;
  }

  #k(kind: 'fail' | 'lock', scope: 'acct' | 'ip', id: string): string {
    return `${this.#prefix}${kind}:${scope}:${id}`;
  }

  /** Seconds until the caller may try again (0 = now). */
  async retryAfter(keys: ThrottleKeys): Promise<number> {
    const [a, b] = await Promise.all([
      this.#redis.pttl(this.#k('lock', 'acct', keys.account)),
      this.#redis.pttl(this.#k('lock', 'ip', keys.ip)),
    ]);
    return Math.ceil(Math.max(a, b, 0) / 1000);
  }

  /** Counts a failure on both keys and sets their locks. */
  async recordFailure(keys: ThrottleKeys): Promise<void> {
    await Promise.all([
      this.#fail('acct', keys.account, this.#account),
      this.#fail('ip', keys.ip, this.#ip),
    ]);
  }

  async #fail(scope: 'acct' | 'ip', id: string, policy: BackoffPolicy): Promise<void> {
    const key = this.#k('fail', scope, id);
    const [[, count]] = (await this.#redis.multi().incr(key).expire(key, failureWindowSeconds).exec()) as [[unknown, number], unknown];
    const seconds = lockSeconds(count, policy);
    if (seconds > 0) await this.#redis.set(this.#k('lock', scope, id), '1', 'EX', seconds);
  }

  /** A successful login clears the account's count (the IP's stays: it may be guessing other accounts). */
  async recordSuccess(keys: ThrottleKeys): Promise<void> {
    await this.#redis.del(this.#k('fail', 'acct', keys.account), this.#k('lock', 'acct', keys.account));
  }
}
