/**
 * Settling intents from Daraja's answers: STK callbacks (confirmed with an STK query before anything is marked paid)
 * and reconciliation queries. Every change goes through the state machine's compare-and-set; a duplicate or late
 * answer changes nothing, and a success is never overwritten (DESIGN §7).
 */
import { classifyStkResult, type StkCallback, type StkQueryResult } from '@duka/mpesa';
import { markHandled, withTenant, type Tx } from '@duka/db';
import { mask } from '@duka/secrets';
import type { Logger } from '@duka/log';
import type { Deps } from '../deps.js';
import { isFinal, outcomeFromStk, type Outcome } from '../domain/intent-state.js';
import { getIntent, markProcessing, settleIntent, type IntentRow, type Settlement } from '../store/intent.store.js';
import { paymentSettled, SCHEMA, type EventCtx } from './events.js';

/** Blind-index purpose of CheckoutRequestIDs (they end with the payer's number, so they are stored encrypted). */
export const CHECKOUT_ID_PURPOSE = 'mpesa-checkout-request-id';
export const STK_CONSUMER = 'payments-stk';

/** A fault worth another attempt later (Daraja pending or unreachable): the consumer throws it to be redelivered. */
export class RetryLater extends Error {
  override name = 'RetryLater';
}

/** Applies a final outcome by compare-and-set and writes its event; null when the intent's state did not allow it. */
export async function applySettlement(tx: Tx, ctx: EventCtx, intentId: string, s: Settlement): Promise<{ intent: IntentRow; outboxId: string } | null> {
  const intent = await settleIntent(tx, intentId, s);
  if (!intent) return null;
  return { intent, outboxId: await paymentSettled(tx, ctx, intent) };
}

/** The outcome an STK query reports: null while pending; throws RetryLater when Daraja could not answer. */
export function outcomeFromQuery(q: StkQueryResult, log: Logger, intentId: string): Outcome | null {
  if (!q.ok) throw new RetryLater(`STK query failed: ${q.error.code}`);
  if (q.kind === 'pending') return null;
  if (!q.classification.known) {
    log.error({ intent: intentId, resultCode: q.resultCode, alert: 'mpesa_unknown_result_code' }, 'unknown STK result code: intent failed');
  }
  return outcomeFromStk(q.resultCode, q.classification);
}

export type CallbackVerdict = 'settled' | 'unchanged' | 'duplicate' | 'ignored';

export interface CallbackCtx {
  tenantId: string;
  requestId: string;
  inboxId: string;
  log: Logger;
}

/**
 * Handles one parsed STK callback for `intentId`: checks the CheckoutRequestID and (on success) the amount, confirms
 * a success with an STK query, and records the inbox id in the same transaction as the transition and its event.
 */
export async function settleFromCallback(deps: Deps, ctx: CallbackCtx, intentId: string, cb: StkCallback): Promise<CallbackVerdict> {
  const { tenantId, log } = ctx;
  const evt: EventCtx = { tenantId, requestId: ctx.requestId, actor: { kind: 'mpesa', id: 'stk-callback' } };
  const record = async (): Promise<CallbackVerdict> =>
    (await withTenant(deps.pool, tenantId, (tx) => markHandled(tx, SCHEMA, STK_CONSUMER, ctx.inboxId))) ? 'ignored' : 'duplicate';

  const intent = await withTenant(deps.pool, tenantId, (tx) => getIntent(tx, intentId));
  if (!intent) {
    log.warn({ intent: intentId }, 'STK callback for an unknown intent: ignored');
    return 'ignored';
  }
  const index = await deps.keystore.blindIndex(tenantId, CHECKOUT_ID_PURPOSE, cb.checkoutRequestId);
  // No stored id yet: the push answer was lost (time-out) or this callback overtook it. The URL token already tied
  // the callback to this intent; the id is adopted (and, for a success, confirmed by the STK query below).
  const adopt = intent.checkout_request_index === null && intent.status === 'requires_payment';
  if (!adopt && intent.checkout_request_index !== index) {
    log.warn({ intent: intentId, alert: 'mpesa_callback_mismatch' }, 'STK callback CheckoutRequestID does not match the intent: ignored');
    return record();
  }
  const classification = classifyStkResult(cb.resultCode);
  if (isFinal(intent.status)) {
    if (classification.status === 'succeeded' && intent.status !== 'succeeded') {
      log.error({ intent: intentId, status: intent.status, alert: 'mpesa_late_success' }, 'success callback for an intent already settled otherwise: needs review');
    }
    return record();
  }

  let outcome: Outcome;
  let receipt: string | undefined;
  if (classification.status === 'succeeded') {
    const paid = cb.metadata.amount;
    if (paid === undefined || Math.round(paid * 100) !== intent.amount_cents) {
      log.error({ intent: intentId, alert: 'mpesa_amount_mismatch' }, 'STK success callback amount differs from the intent: not marked paid');
      outcome = { status: 'failed', reason: 'amount_mismatch', resultCode: cb.resultCode };
    } else {
      const client = await deps.daraja.forTenant(tenantId);
      if (!client) throw new RetryLater('no M-Pesa credentials to confirm the payment');
      const confirmed = outcomeFromQuery(await client.stkQuery(cb.checkoutRequestId), log, intentId);
      if (!confirmed) throw new RetryLater('STK query still pending');
      outcome = confirmed;
      receipt = cb.metadata.receipt;
    }
  } else {
    if (!classification.known) {
      log.error({ intent: intentId, resultCode: cb.resultCode, alert: 'mpesa_unknown_result_code' }, 'unknown STK result code: intent failed');
    }
    outcome = outcomeFromStk(cb.resultCode, classification);
  }

  const settlement: Settlement = { status: outcome.status, reason: outcome.reason, resultCode: outcome.resultCode };
  if (outcome.status === 'succeeded' && receipt) {
    settlement.receiptCiphertext = await deps.keystore.encrypt(tenantId, receipt);
    settlement.receiptMasked = mask(receipt);
  }
  const checkoutCiphertext = adopt ? await deps.keystore.encrypt(tenantId, cb.checkoutRequestId) : null;

  const result = await withTenant(deps.pool, tenantId, async (tx) => {
    if (!(await markHandled(tx, SCHEMA, STK_CONSUMER, ctx.inboxId))) return 'duplicate' as const;
    if (checkoutCiphertext) {
      await markProcessing(tx, intentId, { merchantRequestId: cb.merchantRequestId, checkoutCiphertext, checkoutIndex: index });
    }
    const applied = await applySettlement(tx, evt, intentId, settlement);
    return applied ?? ('unchanged' as const);
  });
  if (typeof result === 'string') return result;
  void deps.relay.publish(tenantId, [result.outboxId]);
  log.info({ intent: intentId, status: result.intent.status, reason: result.intent.failure_reason }, 'payment intent settled from callback');
  return 'settled';
}
