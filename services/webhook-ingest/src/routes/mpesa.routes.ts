/**
 * Daraja callbacks (permission none: Safaricom carries no principal).
 * - `POST /mpesa/stk/:tenantId/:intentId/:token`: STK push results (required flow).
 * - `POST /mpesa/:kind/:tenantId/:token` for c2b (confirmation), b2c, reversal and status results.
 * Checks, in order: source address (403), URL token (403; both before the body is read), body (400), then one
 * tenant transaction stores the raw bytes and the outbox row; the relay publishes after commit.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isUuid, withTenant } from '@duka/db';
import type { MpesaKind } from '@duka/contracts';
import {
  parseB2cResult,
  parseC2bConfirmation,
  parseReversalResult,
  parseStkCallback,
  parseTransactionStatusResult,
  type ParseResult,
} from '@duka/mpesa';
import { z, type App } from '@duka/http';
import type { AllowList } from '../domain/allow-list.js';
import { verifyCallbackToken } from '../domain/callback-token.js';
import { ingestCallback } from '../domain/ingest.js';
import { errors } from '../errors.js';
import type { RouteDeps } from './deps.js';

export const CALLBACK_BODY_LIMIT = 64 * 1024;

/** What Daraja expects back; anything else makes it retry. */
export const ACCEPTED = JSON.stringify({ ResultCode: 0, ResultDesc: 'Accepted' });

const stkParams = z.object({ tenantId: z.string(), intentId: z.string(), token: z.string() }).strict();
const kindParams = z.object({ kind: z.string(), tenantId: z.string(), token: z.string() }).strict();

/** The kinds served by the generic route, with their parsers. STK has its own route (it names an intent). */
const otherKinds: Record<Exclude<MpesaKind, 'stk'>, (body: unknown) => ParseResult<unknown>> = {
  c2b: parseC2bConfirmation,
  b2c: parseB2cResult,
  reversal: parseReversalResult,
  status: parseTransactionStatusResult,
};
const isOtherKind = (k: string): k is keyof typeof otherKinds => Object.hasOwn(otherKinds, k);

function checkSource(allowList: AllowList, request: FastifyRequest): void {
  if (!allowList.allows(request.ip)) {
    request.log.warn({ sourceIp: request.ip }, 'callback from a source outside MPESA_ALLOWED_IPS');
    throw errors.WEBHOOKS_SOURCE_NOT_ALLOWED();
  }
}

function invalidToken(request: FastifyRequest): never {
  request.log.warn('callback with an invalid URL token');
  throw errors.WEBHOOKS_INVALID_TOKEN();
}

/** JSON.parse on the kept bytes; malformed -> 400 problem. */
function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw errors.MALFORMED_JSON();
  }
}

/** Validates the body with `parse` and throws a 400 problem naming the bad fields (never their values). */
function validated<T>(raw: unknown, parse: (body: unknown) => ParseResult<T>): T {
  if (!Buffer.isBuffer(raw)) throw errors.UNSUPPORTED_MEDIA_TYPE();
  const parsed = parse(parseJson(raw));
  if (parsed.ok) return parsed.value;
  // Issue paths and messages never echo input values (@duka/mpesa), so they are safe to return.
  const issues = parsed.issues.map((i) => ({ field: i.path ? `body.${i.path}` : 'body', message: i.message }));
  throw errors.WEBHOOKS_INVALID_CALLBACK(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
}

interface Accepted {
  kind: MpesaKind;
  tenantId: string;
  intentId: string | null;
  checkoutRequestId: string | null;
  resultCode: string;
}

async function accept(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply, cb: Accepted): Promise<FastifyReply> {
  const rawBody = request.body as Buffer;
  const result = await withTenant(deps.pool, cb.tenantId, (tx) =>
    ingestCallback(
      { tenantId: cb.tenantId, requestId: request.id, tx },
      { kind: cb.kind, intentId: cb.intentId, rawBody, checkoutRequestId: cb.checkoutRequestId, sourceIp: request.ip },
    ),
  );
  if (!result.duplicate) void deps.relay.publish(cb.tenantId, [result.callbackId]);
  deps.logger.info(
    {
      reqId: request.id,
      tenant: cb.tenantId,
      kind: cb.kind,
      intent: cb.intentId ?? undefined,
      callbackId: result.callbackId,
      duplicate: result.duplicate,
      resultCode: cb.resultCode,
    },
    `${cb.kind} callback accepted`,
  );
  return reply.code(200).type('application/json').send(ACCEPTED);
}

export async function mpesaRoutes(app: App, deps: RouteDeps): Promise<void> {
  // Encapsulated: the raw-body JSON parser applies to the callback routes only.
  await app.register(async (instance) => {
    const scope = instance as unknown as App; // register() drops the zod type provider from the instance type
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: CALLBACK_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    const common = {
      config: { permission: 'none' as const },
      bodyLimit: CALLBACK_BODY_LIMIT,
      // Fastify's own per-request info lines hand the whole request and reply (raw body included) to the log
      // scrubber, which copies them deeply: costly at 64 KiB, and the body must never reach a log anyway.
      // These routes write their own one-line outcome instead.
      logLevel: 'warn' as const,
    };

    scope.post(
      '/mpesa/stk/:tenantId/:intentId/:token',
      {
        ...common,
        schema: { params: stkParams },
        // onRequest runs before the body is read: a caller without a valid URL learns nothing about the body.
        onRequest: async (request) => {
          checkSource(deps.allowList, request);
          const { tenantId, intentId, token } = request.params as Record<string, string>;
          if (!isUuid(tenantId) || !isUuid(intentId) || !verifyCallbackToken(deps.callbackKey, tenantId, intentId, token ?? '')) {
            invalidToken(request);
          }
        },
      },
      async (request, reply) => {
        const { tenantId, intentId } = request.params;
        const cb = validated(request.body, parseStkCallback);
        return accept(deps, request, reply, {
          kind: 'stk',
          tenantId,
          intentId,
          checkoutRequestId: cb.checkoutRequestId,
          resultCode: cb.resultCode,
        });
      },
    );

    scope.post(
      '/mpesa/:kind/:tenantId/:token',
      {
        ...common,
        schema: { params: kindParams },
        onRequest: async (request) => {
          checkSource(deps.allowList, request);
          const { kind, tenantId, token } = request.params as Record<string, string>;
          if (!isOtherKind(kind ?? '') || !isUuid(tenantId) || !verifyCallbackToken(deps.callbackKey, tenantId, kind!, token ?? '')) {
            invalidToken(request);
          }
        },
      },
      async (request, reply) => {
        const { kind, tenantId } = request.params;
        if (!isOtherKind(kind)) return invalidToken(request); // checked in onRequest; narrows the type
        const cb = validated(request.body, otherKinds[kind]) as { resultCode?: string };
        return accept(deps, request, reply, { kind, tenantId, intentId: null, checkoutRequestId: null, resultCode: cb.resultCode ?? '' });
      },
    );
  });
}
