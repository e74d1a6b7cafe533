/**
 * MPESA stream consumer `payments-stk` (`mpesa.stk.>`): turns webhook-ingest's `CallbackReceived` into intent
 * transitions. Malformed or mismatched messages go straight to the DLQ (no retry can fix them, and an operator must
 * see them: the raw callback also stays in webhook-ingest's inbox); a pending or
 * failed STK query throws, so the message is redelivered later (and dead-lettered after the last attempt, when the
 * reconciliation worker still settles the intent).
 */
import { PermanentFailure, type BusMessage } from '@duka/bus';
import { decodeMessage, mpesaCallback, parseMpesaSubject } from '@duka/contracts';
import { isUuid } from '@duka/db';
import { parseStkCallback } from '@duka/mpesa';
import type { Deps } from '../deps.js';
import { settleFromCallback, STK_CONSUMER, type CallbackVerdict } from '../flows/settle.js';

export interface StkConsumerOptions {
  maxDeliver?: number;
  backoffMs?: number[];
}

export function stkCallbackHandler(deps: Deps): (msg: BusMessage) => Promise<CallbackVerdict> {
  return async (msg) => {
    let cb: ReturnType<typeof decodeMessage<typeof mpesaCallback.schema>>;
    try {
      cb = decodeMessage(mpesaCallback.schema, msg.data);
    } catch {
      throw new PermanentFailure('not a CallbackReceived');
    }
    const subject = parseMpesaSubject(msg.subject);
    const log = deps.logger.child({ consumer: STK_CONSUMER, tenant: cb.tenantId, reqId: cb.requestId || msg.requestId, msgId: msg.msgId });
    if (
      !subject ||
      subject.kind !== 'stk' ||
      cb.kind !== 'stk' ||
      !isUuid(cb.tenantId) ||
      cb.tenantId !== subject.tenantId ||
      (msg.tenantId !== '' && msg.tenantId !== cb.tenantId)
    ) {
      log.error({ alert: 'mpesa_envelope_mismatch' }, 'STK callback envelope names inconsistent tenants or kinds: sent to the DLQ');
      throw new PermanentFailure('STK callback envelope names inconsistent tenants or kinds');
    }
    if (!isUuid(cb.intentId)) {
      log.warn('STK callback not matched to an intent: sent to the DLQ');
      throw new PermanentFailure('STK callback not matched to an intent');
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(cb.rawBody).toString('utf8'));
    } catch {
      log.error({ intent: cb.intentId }, 'STK callback body is not JSON: sent to the DLQ');
      throw new PermanentFailure('STK callback body is not JSON');
    }
    const parsed = parseStkCallback(body);
    if (!parsed.ok) {
      log.error({ intent: cb.intentId, issues: parsed.issues.map((i) => i.path) }, 'STK callback body is malformed: sent to the DLQ');
      throw new PermanentFailure('STK callback body is malformed');
    }
    const inboxId = cb.inboxId || msg.msgId;
    if (!inboxId) {
      log.error({ intent: cb.intentId }, 'STK callback without an inbox id: sent to the DLQ');
      throw new PermanentFailure('STK callback without an inbox id');
    }
    return settleFromCallback(deps, { tenantId: cb.tenantId, requestId: cb.requestId || msg.requestId, inboxId, log }, cb.intentId, parsed.value);
  };
}

/** Starts the durable consumer. */
export async function startStkConsumer(deps: Deps, opts: StkConsumerOptions = {}): Promise<void> {
  const handle = stkCallbackHandler(deps);
  await deps.bus.consume({
    stream: 'MPESA',
    durable: STK_CONSUMER,
    filter: 'mpesa.stk.>',
    handler: async (msg) => {
      await handle(msg);
    },
    maxDeliver: opts.maxDeliver ?? 6,
    backoffMs: opts.backoffMs ?? [2_000, 5_000, 15_000, 30_000, 60_000],
  });
}
