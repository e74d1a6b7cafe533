/**
 * Redis rate limits (DESIGN §2): per client IP (tighter on signup/login/refresh), per tenant and per signed-in
 * user, fixed one-minute windows through @fastify/rate-limit's Redis store. Each limiter keeps its own key prefix,
 * and an exceeded one answers 429 problem+json with Retry-After.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '@duka/http';
import { errors } from '../errors.js';

export interface Limits {
  ipPerMinute: number;
  authIpPerMinute: number;
  tenantPerMinute: number;
  userPerMinute: number;
}

type Limiter = ReturnType<App['createRateLimit']>;

export interface RateLimiters {
  ip(request: FastifyRequest, reply: FastifyReply, auth: boolean): Promise<void>;
  tenant(request: FastifyRequest, reply: FastifyReply, tenantId: string): Promise<void>;
  user(request: FastifyRequest, reply: FastifyReply, tenantId: string, userId: string): Promise<void>;
}

export function rateLimiters(app: App, limits: Limits): RateLimiters {
  const make = (max: number, key: (r: FastifyRequest) => string) =>
    app.createRateLimit({ max, timeWindow: 60_000, keyGenerator: key, skipOnError: true });
  const keyOf = new WeakMap<FastifyRequest, string>();
  const keyed = (r: FastifyRequest) => keyOf.get(r) ?? 'none';
  const ipLimiter = make(limits.ipPerMinute, (r) => `ip:${r.ip}`);
  const authLimiter = make(limits.authIpPerMinute, (r) => `auth-ip:${r.ip}`);
  const tenantLimiter = make(limits.tenantPerMinute, keyed);
  const userLimiter = make(limits.userPerMinute, keyed);

  const check = async (limiter: Limiter, request: FastifyRequest, reply: FastifyReply) => {
    const result = await limiter(request);
    if (result.isAllowed || !result.isExceeded) return;
    void reply.header('retry-after', String(Math.max(1, Math.ceil(result.ttl / 1000))));
    throw errors.RATE_LIMITED();
  };

  return {
    async ip(request, reply, auth) {
      await check(ipLimiter, request, reply);
      if (auth) await check(authLimiter, request, reply);
    },
    async tenant(request, reply, tenantId) {
      keyOf.set(request, `tenant:${tenantId}`);
      await check(tenantLimiter, request, reply);
    },
    async user(request, reply, tenantId, userId) {
      keyOf.set(request, `user:${tenantId}:${userId}`);
      await check(userLimiter, request, reply);
    },
  };
}
