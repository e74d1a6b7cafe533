import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { trace } from '@opentelemetry/api';
import type { Logger } from '@duka/log';
import { verifyPrincipal, type Principal } from '@duka/secrets';
import { AppError, httpErrors, problemBase, type FieldIssue } from './errors.js';
import { roleAllows, type Permission } from './permissions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (STYLE 4); every route must declare it. */
    permission?: Permission;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export type ReadinessCheck = () => Promise<unknown>;

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  /** Key that verifies the gateway-signed principal; required unless every route is `none`. */
  principalKey?: Buffer;
  /** Dependencies `/readyz` must reach: name -> probe (throws or rejects when down). */
  readiness?: Record<string, ReadinessCheck>;
  bodyLimit?: number;
  /** Trust `X-Forwarded-For` (only behind our own proxy). */
  trustProxy?: boolean | string;
}

const requestIdRe = /^[A-Za-z0-9._:-]{8,128}$/;

function fieldIssues(error: unknown): FieldIssue[] {
  if (!hasZodFastifySchemaValidationErrors(error)) return [];
  const where = (error as FastifyError).validationContext ?? 'body';
  return error.validation.flatMap((v) => {
    const base = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const prefix = base ? `${where}.${base}` : where;
    const keys = (v.params as { keys?: string[] }).keys;
    if (v.keyword === 'unrecognized_keys' && keys) return keys.map((k) => ({ field: `${prefix}.${k}`, message: 'unknown field' }));
    return [{ field: prefix, message: v.message ?? 'invalid' }];
  });
}

/** The path of the first string holding U+0000 inside a parsed JSON value, if any. */
function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 32 || Buffer.isBuffer(value)) return undefined;
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '')}`;
    const found = findNul(v, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = fieldIssues(error);
    return httpErrors.VALIDATION_FAILED(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return httpErrors.MALFORMED_JSON();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return httpErrors.UNSUPPORTED_MEDIA_TYPE();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return httpErrors.PAYLOAD_TOO_LARGE();
  }
  if (error.statusCode === 429) return httpErrors.RATE_LIMITED();
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('BAD_REQUEST', { status: error.statusCode, title: 'Bad request' });
  }
  return httpErrors.INTERNAL();
}

/** Sends an RFC 9457 problem. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, err: AppError): FastifyReply {
  return reply
    .code(err.spec.status)
    .type('application/problem+json')
    .send({
      type: err.type,
      title: err.spec.title,
      status: err.spec.status,
      detail: err.message,
      code: err.code,
      requestId: request.id,
      ...(err.errors?.length ? { errors: err.errors } : {}),
    });
}

/**
 * Builds a service's Fastify instance: zod validation, request ids, problem+json errors, the gateway-signed
 * principal, per-route permissions, `/healthz` and `/readyz`. Routes are added by the service's `buildApp`.
 */
export function createServiceApp(opts: ServiceAppOptions): App {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    trustProxy: opts.trustProxy ?? false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdRe.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    // One line a request, written when it completes (onResponse below), instead of Fastify's two.
    disableRequestLogging: true,
    // A URL Fastify cannot route (bad percent-encoding) is bad input like any other: a problem, not a bare JSON.
    frameworkErrors: (error, request, reply) => {
      sendProblem(request, reply, httpErrors.BAD_URL(error.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid' : undefined));
    },
    // Errors before a request exists (oversized headers, garbage on the socket) still answer problem+json.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({
        type: problemBase + (status === 431 ? 'headers-too-large' : 'bad-request'),
        title: status === 431 ? 'The request headers are too large' : 'The request is not valid HTTP',
        status,
        code: status === 431 ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST',
      });
      socket.end(
        `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
          `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);

  // A route without a declared permission is a bug: refuse to start (STYLE 4).
  app.addHook('onRoute', (route) => {
    if (route.method === 'HEAD' || route.url === '*') return;
    if (!route.config?.permission) throw new Error(`route ${String(route.method)} ${route.url} declares no permission`);
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const span = trace.getActiveSpan();
    const traceId = span?.spanContext().traceId;
    if (traceId) request.log = request.log.child({ traceId });
  });

  app.addHook('onResponse', async (request, reply) => {
    const quiet = request.routeOptions.logLevel === 'warn'; // health probes
    const level = reply.statusCode >= 500 ? 'error' : quiet ? 'debug' : 'info';
    const url = request.routeOptions.url ?? request.url.split('?')[0];
    request.log[level]({ method: request.method, url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed');
  });

  // In onRequest, before the body is read: an unsigned caller learns nothing about what the route accepts.
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === 'none' || !permission) return;
    const p = opts.principalKey
      ? verifyPrincipal(opts.principalKey, request.headers['x-duka-principal'], request.headers['x-duka-principal-sig'])
      : null;
    if (!p) throw httpErrors.UNAUTHENTICATED('This service only answers requests signed by the gateway');
    request.principal = p;
    if (p.tid) request.log = request.log.child({ tenant: p.tid });
    if (permission === 'public') return;
    if (p.kind !== 'user' || !p.tid) throw httpErrors.UNAUTHENTICATED();
    if (!roleAllows(p.role, permission)) throw httpErrors.FORBIDDEN(`Your role may not ${permission.replace(':', ' ')}`);
  });

  // Postgres text cannot hold U+0000, and no Duka field needs it: refuse it as bad input before any handler runs.
  app.addHook('preValidation', async (request) => {
    const where = findNul(request.body, 'body') ?? findNul(request.query, 'query') ?? findNul(request.params, 'params');
    if (where) throw httpErrors.VALIDATION_FAILED(`${where}: must not contain the NUL character`, [{ field: where, message: 'must not contain the NUL character' }]);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toAppError(error);
    if (problem.spec.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, problem);
  });

  // The path is not echoed back: it may hold an id or a phone number.
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, httpErrors.NOT_FOUND('There is no such route')));

  app.get('/healthz', { config: { permission: 'none' }, logLevel: 'warn' }, async () => ({ status: 'ok', service: opts.service }));
  app.get('/readyz', { config: { permission: 'none' }, logLevel: 'warn' }, async (_request, reply) => {
    const checks: Record<string, 'ok' | 'down'> = {};
    await Promise.all(
      Object.entries(opts.readiness ?? {}).map(async ([name, probe]) => {
        try {
          await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref())]);
          checks[name] = 'ok';
        } catch {
          checks[name] = 'down';
        }
      }),
    );
    const ready = Object.values(checks).every((c) => c === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', service: opts.service, checks });
  });

  return app;
}
