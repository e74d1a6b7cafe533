import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import replyFrom from '@fastify/reply-from';
import { createServiceApp, type App } from '@duka/http';
import type { GatewayDeps } from './deps.js';
import { rateLimiters } from './proxy/rate-limits.js';
import { proxyRoutes } from './routes/proxy.routes.js';

export type { GatewayDeps } from './deps.js';

/** Builds the gateway (STYLE 1): security headers, CORS allow-list, limits, then the proxied routes. */
export async function buildApp(deps: GatewayDeps): Promise<App> {
  const { config } = deps;
  const app = createServiceApp({
    service: 'gateway',
    logger: deps.logger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
  });

  // Bodies pass through as bytes: the service behind parses and validates them (and answers malformed JSON).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  await app.register(helmet, { global: true });
  await app.register(cors, {
    origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-tenant-id', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });
  await app.register(rateLimit, {
    global: false,
    redis: deps.redis,
    nameSpace: `duka:${config.DUKA_NAMESPACE || 'default'}:gateway:rl:`,
    skipOnError: true,
  });
  await app.register(replyFrom, {
    undici: { connections: 128, pipelining: 1, headersTimeout: config.UPSTREAM_TIMEOUT_MS, bodyTimeout: config.UPSTREAM_TIMEOUT_MS },
  });

  const limits = rateLimiters(app, {
    ipPerMinute: config.RATE_LIMIT_PER_MINUTE,
    authIpPerMinute: config.RATE_LIMIT_AUTH_PER_MINUTE,
    tenantPerMinute: config.RATE_LIMIT_TENANT_PER_MINUTE,
    userPerMinute: config.RATE_LIMIT_USER_PER_MINUTE,
  });
  proxyRoutes(app, deps, limits);
  await app.ready();
  return app;
}
