/**
 * Checkout (DESIGN §7, STYLE 8): price the cart with catalog, persist the Idempotency-Key, order, lines, intent and
 * `payment.created` in one transaction, and only then ask Daraja for the STK push.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { withTenant } from '@duka/db';
import type { FastifyBaseLogger } from 'fastify';
import {
  DarajaAuthError,
  DarajaInputError,
  DarajaRejectedError,
  type DarajaError,
} from '@duka/mpesa';
import type { Deps } from '../deps.js';
import { errors } from '../errors.js';
import { requestQuote } from '../adapters/catalog-quote.js';
import { stkCallbackUrl } from '../domain/callback-url.js';
import { checkAmount, checkQuote, newOrderRef, requestHash, type CheckoutRequest } from '../domain/checkout.js';
import type { IntentStatus } from '../domain/intent-state.js';
import { claimKey, completeKey, findKey, type KeyRow } from '../store/idempotency.store.js';
import { getIntent, insertIntent, markProcessing, type IntentRow } from '../store/intent.store.js';
import { insertOrder } from '../store/order.store.js';
import { paymentCreated, type EventCtx } from './events.js';
import { applySettlement, CHECKOUT_ID_PURPOSE } from './settle.js';

export const CHECKOUT_SCOPE = 'checkout';
/** What the payer sees as the STK TransactionDesc (Daraja: at most 13 characters). */
export const TRANSACTION_DESC = 'Duka order';

export interface CheckoutCtx {
  tenantId: string;
  requestId: string;
  actor: EventCtx['actor'];
  log: FastifyBaseLogger;
}

export interface CheckoutResponse {
  paymentId: string;
  orderId: string;
  status: IntentStatus;
  amountCents: number;
  currency: string;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

const quoteErrors: Record<string, keyof typeof errors> = {
  PRODUCT_NOT_FOUND: 'PAYMENTS_PRODUCT_NOT_FOUND',
  PRODUCT_UNAVAILABLE: 'PAYMENTS_PRODUCT_UNAVAILABLE',
  OUT_OF_STOCK: 'PAYMENTS_OUT_OF_STOCK',
  INVALID_QUANTITY: 'PAYMENTS_INVALID_QUANTITY',
};

class KeyTaken extends Error {}

const responseOf = (i: IntentRow): CheckoutResponse => ({
  paymentId: i.id,
  orderId: i.order_id,
  status: i.status,
  amountCents: i.amount_cents,
  currency: i.currency,
});

/** Answers for a key seen before: replay, refuse a different body, or report it in flight. */
async function answerExisting(deps: Deps, ctx: CheckoutCtx, key: string, hash: string, row: KeyRow): Promise<HttpAnswer> {
  if (row.request_hash !== hash) throw errors.PAYMENTS_IDEMPOTENCY_MISMATCH('This Idempotency-Key was first used with a different request body');
  if (row.state === 'completed' && row.response_status !== null) return { status: row.response_status, body: row.response_body };
  // A request that died between its commit and its answer would hold the key forever: once it is stale, the
  // answer is rebuilt from the intent (which exists: it was committed with the key).
  if (row.intent_id && Date.now() - row.updated_at > deps.config.IDEMPOTENCY_STALE_MS) {
    const intent = await withTenant(deps.pool, ctx.tenantId, (tx) => getIntent(tx, row.intent_id!));
    if (intent) {
      const answer = { status: 202, body: responseOf(intent) };
      await withTenant(deps.pool, ctx.tenantId, (tx) => completeKey(tx, CHECKOUT_SCOPE, key, answer.status, answer.body));
      return answer;
    }
  }
  throw errors.PAYMENTS_IDEMPOTENCY_IN_FLIGHT('A request with this Idempotency-Key is still being processed; retry shortly');
}

/**
 * The payment id of an Idempotency-Key: the same for every retry of one checkout, so a retry racing the original
 * asks catalog for the same stock hold instead of a second one (HMAC with a platform key: unguessable from the key
 * alone). Formatted as a UUIDv8 (RFC 9562 custom).
 */
async function intentIdFor(deps: Deps, tenantId: string, key: string): Promise<string> {
  const mac = createHmac('sha256', await deps.keystore.namedKey('payment-id')).update(`${tenantId}:${CHECKOUT_SCOPE}:${key}`).digest();
  mac[6] = (mac[6]! & 0x0f) | 0x80;
  mac[8] = (mac[8]! & 0x3f) | 0x80;
  const hex = mac.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export async function checkout(deps: Deps, ctx: CheckoutCtx, key: string, req: CheckoutRequest): Promise<HttpAnswer> {
  const hash = requestHash(CHECKOUT_SCOPE, req);
  const seen = await withTenant(deps.pool, ctx.tenantId, (tx) => findKey(tx, CHECKOUT_SCOPE, key));
  if (seen) return answerExisting(deps, ctx, key, hash, seen);

  // Price the cart: amounts come from catalog, never from the client. The quote also holds limited stock for this
  // payment (reservation = the intent id): catalog keeps it while the payment can still succeed, sells it when it
  // does, and gives it back when it fails, or after a short while if this checkout never commits its intent.
  const intentId = await intentIdFor(deps, ctx.tenantId, key);
  const quote = await requestQuote(
    deps.bus,
    { tenantId: ctx.tenantId, requestId: ctx.requestId, items: req.items, reservationId: intentId },
    deps.config.CATALOG_QUOTE_TIMEOUT_MS,
  );
  if (!quote.ok) {
    if (quote.problem === 'unavailable') throw errors.PAYMENTS_CATALOG_UNAVAILABLE();
    throw errors.PAYMENTS_QUOTE_INVALID('The catalog reply could not be read');
  }
  const priced = checkQuote(req.items, quote.answer);
  if (!priced.ok) {
    if (priced.kind === 'refused') {
      const code = quoteErrors[priced.code] ?? 'PAYMENTS_QUOTE_REFUSED';
      throw errors[code](priced.detail || undefined);
    }
    if (priced.kind === 'currency') throw errors.PAYMENTS_CURRENCY_UNSUPPORTED(`The cart is priced in ${priced.currency}`);
    ctx.log.error({ problem: priced.detail }, 'catalog quote does not match the cart');
    throw errors.PAYMENTS_QUOTE_INVALID(priced.detail);
  }
  const amount = checkAmount(priced.totalCents);
  if (!amount.ok) {
    if (amount.problem === 'not_whole_shillings') {
      throw errors.PAYMENTS_AMOUNT_NOT_WHOLE_SHILLINGS(`The total ${priced.totalCents} cents is not a whole number of shillings`);
    }
    throw errors.PAYMENTS_AMOUNT_OUT_OF_RANGE(`The total ${priced.totalCents / 100} KES is outside 1 to 250,000 KES`);
  }

  const orderId = randomUUID();
  const ref = newOrderRef();
  const phoneCiphertext = await deps.keystore.encrypt(ctx.tenantId, req.phone);
  const evt: EventCtx = { tenantId: ctx.tenantId, requestId: ctx.requestId, actor: ctx.actor };

  // One transaction: key, order, lines, intent, outbox (STYLE 8: all of it before the first call to Daraja).
  let outboxId: string;
  try {
    outboxId = await withTenant(deps.pool, ctx.tenantId, async (tx) => {
      if (!(await claimKey(tx, { tenantId: ctx.tenantId, scope: CHECKOUT_SCOPE, key, requestHash: hash, intentId }))) throw new KeyTaken();
      await insertOrder(tx, { id: orderId, tenantId: ctx.tenantId, ref, amountCents: priced.totalCents, currency: priced.currency, phoneCiphertext, lines: priced.lines });
      await insertIntent(tx, { id: intentId, tenantId: ctx.tenantId, orderId, amountCents: priced.totalCents, currency: priced.currency, phoneCiphertext });
      return paymentCreated(tx, evt, { paymentId: intentId, orderId, amountCents: priced.totalCents, currency: priced.currency });
    });
  } catch (err) {
    if (!(err instanceof KeyTaken)) throw err;
    // Lost a race for the key: answer as the winner's request dictates.
    const row = await withTenant(deps.pool, ctx.tenantId, (tx) => findKey(tx, CHECKOUT_SCOPE, key));
    if (!row) throw errors.PAYMENTS_IDEMPOTENCY_IN_FLIGHT();
    return answerExisting(deps, ctx, key, hash, row);
  }
  void deps.relay.publish(ctx.tenantId, [outboxId]);
  ctx.log.info({ intent: intentId, order: orderId, amountCents: priced.totalCents }, 'payment intent created');

  const status = await requestStkPush(deps, ctx, evt, { intentId, ref, phone: req.phone, shillings: amount.shillings });
  const answer: HttpAnswer = {
    status: 202,
    body: { paymentId: intentId, orderId, status, amountCents: priced.totalCents, currency: priced.currency } satisfies CheckoutResponse,
  };
  await withTenant(deps.pool, ctx.tenantId, (tx) => completeKey(tx, CHECKOUT_SCOPE, key, answer.status, answer.body));
  return answer;
}

/** Daraja said no for good: a retry of the same request would be refused again. */
function isRefusal(err: DarajaError): boolean {
  return err instanceof DarajaInputError || ((err instanceof DarajaRejectedError || err instanceof DarajaAuthError) && !err.retryable);
}

/**
 * Sends the STK push and records what Daraja said. Accepted -> `processing`. Refused -> `failed` (reason
 * `daraja_rejected`). Unavailable (breaker open, time-out, 5xx) -> unchanged: the outcome is unknown (a timed-out
 * push may have reached the phone), so the callback or the reconciliation worker settles it. Returns the status.
 */
async function requestStkPush(
  deps: Deps,
  ctx: CheckoutCtx,
  evt: EventCtx,
  p: { intentId: string; ref: string; phone: string; shillings: number },
): Promise<IntentStatus> {
  const client = await deps.daraja.forTenant(ctx.tenantId);
  if (!client) {
    ctx.log.error({ intent: p.intentId, alert: 'mpesa_not_configured' }, 'no M-Pesa credentials for this tenant: payment failed');
    return settleNow(deps, ctx, evt, p.intentId, 'mpesa_not_configured');
  }
  const callbackKey = await deps.keystore.namedKey('mpesa-callback');
  const pushed = await client.stkPush({
    amountShillings: p.shillings,
    phoneE164: p.phone,
    callbackUrl: stkCallbackUrl(deps.config.PUBLIC_WEBHOOK_BASE_URL, callbackKey, ctx.tenantId, p.intentId),
    accountReference: p.ref,
    transactionDesc: TRANSACTION_DESC,
  });
  if (!pushed.ok) {
    const e = pushed.error;
    const fields = { intent: p.intentId, darajaError: e.code, darajaErrorCode: e.darajaErrorCode, httpStatus: e.httpStatus };
    if (isRefusal(e)) {
      ctx.log.warn(fields, 'Daraja refused the STK push: payment failed');
      return settleNow(deps, ctx, evt, p.intentId, 'daraja_rejected');
    }
    ctx.log.warn(fields, 'Daraja unavailable for the STK push: left for the callback or reconciliation');
    return currentStatus(deps, ctx.tenantId, p.intentId);
  }
  const checkoutCiphertext = await deps.keystore.encrypt(ctx.tenantId, pushed.checkoutRequestId);
  const checkoutIndex = await deps.keystore.blindIndex(ctx.tenantId, CHECKOUT_ID_PURPOSE, pushed.checkoutRequestId);
  const moved = await withTenant(deps.pool, ctx.tenantId, (tx) =>
    markProcessing(tx, p.intentId, { merchantRequestId: pushed.merchantRequestId, checkoutCiphertext, checkoutIndex }),
  );
  if (moved) {
    ctx.log.info({ intent: p.intentId, merchantRequestId: pushed.merchantRequestId }, 'STK push accepted');
    return moved.status;
  }
  // The callback overtook the push answer and already moved the intent on.
  return currentStatus(deps, ctx.tenantId, p.intentId);
}

async function settleNow(deps: Deps, ctx: CheckoutCtx, evt: EventCtx, intentId: string, reason: 'daraja_rejected' | 'mpesa_not_configured'): Promise<IntentStatus> {
  const applied = await withTenant(deps.pool, ctx.tenantId, (tx) =>
    applySettlement(tx, evt, intentId, { status: 'failed', reason, resultCode: null }),
  );
  if (applied) {
    void deps.relay.publish(ctx.tenantId, [applied.outboxId]);
    return applied.intent.status;
  }
  return currentStatus(deps, ctx.tenantId, intentId);
}

async function currentStatus(deps: Deps, tenantId: string, intentId: string): Promise<IntentStatus> {
  const intent = await withTenant(deps.pool, tenantId, (tx) => getIntent(tx, intentId));
  return intent?.status ?? 'requires_payment';
}
