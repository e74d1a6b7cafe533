/** SQL for payment intents. Status changes are compare-and-set against the state machine's allowed sources. */
import { sql, type Tx } from '@duka/db';
import { z } from 'zod';
import { INTENT_STATUSES, sourcesOf, type FailureReason, type FinalStatus } from '../domain/intent-state.js';

export const intentRow = z.object({
  id: z.string(),
  tenant_id: z.string(),
  order_id: z.string(),
  status: z.enum(INTENT_STATUSES),
  amount_cents: z.number(),
  currency: z.string(),
  phone_ciphertext: z.string(),
  merchant_request_id: z.string().nullable(),
  checkout_request_ciphertext: z.string().nullable(),
  checkout_request_index: z.string().nullable(),
  result_code: z.string().nullable(),
  failure_reason: z.string().nullable(),
  receipt_masked: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
  settled_at: z.number().nullable(),
});
export type IntentRow = z.infer<typeof intentRow>;

const columns = sql.fragment`id, tenant_id, order_id, status, amount_cents, currency, phone_ciphertext, merchant_request_id,
  checkout_request_ciphertext, checkout_request_index, result_code, failure_reason, receipt_masked, created_at,
  updated_at, settled_at`;

export interface NewIntent {
  id: string;
  tenantId: string;
  orderId: string;
  amountCents: number;
  currency: string;
  phoneCiphertext: string;
}

export async function insertIntent(tx: Tx, i: NewIntent): Promise<void> {
  await tx.query(sql.unsafe`
    insert into payments.payment_intents (id, tenant_id, order_id, status, amount_cents, currency, phone_ciphertext)
    values (${i.id}, ${i.tenantId}, ${i.orderId}, 'requires_payment', ${i.amountCents}, ${i.currency}, ${i.phoneCiphertext})`);
}

export async function getIntent(tx: Tx, id: string, opts: { forUpdate?: boolean } = {}): Promise<IntentRow | null> {
  const lock = opts.forUpdate ? sql.fragment`for update` : sql.fragment``;
  return tx.maybeOne(sql.type(intentRow)`select ${columns} from payments.payment_intents where id = ${id} ${lock}`);
}

/** `requires_payment -> processing` once Daraja accepted the push; stores its request ids. Null when refused. */
export async function markProcessing(
  tx: Tx,
  id: string,
  ids: { merchantRequestId: string; checkoutCiphertext: string; checkoutIndex: string },
): Promise<IntentRow | null> {
  return tx.maybeOne(sql.type(intentRow)`
    update payments.payment_intents
    set status = 'processing', merchant_request_id = ${ids.merchantRequestId},
        checkout_request_ciphertext = ${ids.checkoutCiphertext}, checkout_request_index = ${ids.checkoutIndex},
        updated_at = now()
    where id = ${id} and status = any(${sql.array([...sourcesOf('processing')], 'text')})
    returning ${columns}`);
}

export interface Settlement {
  status: FinalStatus;
  reason: FailureReason | null;
  resultCode: string | null;
  receiptCiphertext?: string | null;
  receiptMasked?: string | null;
}

/** Moves an intent to a final state if, and only if, its current state allows it. Null when nothing changed. */
export async function settleIntent(tx: Tx, id: string, s: Settlement): Promise<IntentRow | null> {
  return tx.maybeOne(sql.type(intentRow)`
    update payments.payment_intents
    set status = ${s.status}, failure_reason = ${s.reason}, result_code = coalesce(${s.resultCode}, result_code),
        receipt_ciphertext = coalesce(${s.receiptCiphertext ?? null}, receipt_ciphertext),
        receipt_masked = coalesce(${s.receiptMasked ?? null}, receipt_masked),
        updated_at = now(), settled_at = now()
    where id = ${id} and status = any(${sql.array([...sourcesOf(s.status)], 'text')})
    returning ${columns}`);
}

const candidateRow = z.object({ id: z.string(), tenant_id: z.string() });

/** Open intents of every tenant due for reconciliation (through the definer function: ids only). */
export async function reconcileCandidates(
  pool: { any: Tx['any'] },
  settleAfterMs: number,
  ttlMs: number,
  maxRows: number,
  onlyTenant: string | null = null,
): Promise<ReadonlyArray<z.infer<typeof candidateRow>>> {
  return pool.any(sql.type(candidateRow)`
    select id, tenant_id from payments.reconcile_candidates(${settleAfterMs}, ${ttlMs}, ${maxRows}, ${onlyTenant}::uuid)`);
}
