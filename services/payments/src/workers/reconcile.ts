/**
 * Reconciliation (DESIGN §7): callbacks can be late or never come. Every interval, intents still `processing` after
 * RECONCILE_AFTER_MS get an STK query and are settled by its final answer; intents with no final answer after
 * INTENT_TTL_MS expire. Candidates come from a definer function (ids only); each is settled in its tenant's
 * transaction, by the same compare-and-set as callbacks, so racing a callback is harmless.
 */
import { withTenant } from '@duka/db';
import type { Logger } from '@duka/log';
import type { Deps } from '../deps.js';
import type { Outcome } from '../domain/intent-state.js';
import type { EventCtx } from '../flows/events.js';
import { applySettlement, outcomeFromQuery, RetryLater } from '../flows/settle.js';
import { getIntent, reconcileCandidates } from '../store/intent.store.js';

export interface ReconcileOptions {
  intervalMs: number;
  settleAfterMs: number;
  ttlMs: number;
  batchSize?: number;
  /** Limit passes to one tenant (operators settling one store; tests). */
  onlyTenant?: string;
}

export interface ReconcileReport {
  checked: number;
  settled: number;
  expired: number;
}

export class ReconcileWorker {
  readonly #deps: Deps;
  readonly #o: ReconcileOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(deps: Deps, opts: ReconcileOptions) {
    this.#deps = deps;
    this.#o = opts;
    this.#log = deps.logger.child({ worker: 'reconcile' });
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.runOnce()
        .catch((err) => this.#log.warn({ err }, 'reconciliation pass failed'))
        .finally(() => (this.#running = undefined));
    }, this.#o.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }

  /** One pass over every tenant's due intents. */
  async runOnce(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, settled: 0, expired: 0 };
    const due = await reconcileCandidates(this.#deps.pool, this.#o.settleAfterMs, this.#o.ttlMs, this.#o.batchSize ?? 200, this.#o.onlyTenant ?? null);
    for (const c of due) {
      report.checked += 1;
      try {
        const result = await this.#settle(c.tenant_id, c.id);
        if (result === 'settled') report.settled += 1;
        if (result === 'expired') report.expired += 1;
      } catch (err) {
        this.#log.warn({ err, tenant: c.tenant_id, intent: c.id }, 'could not reconcile intent');
      }
    }
    if (report.checked > 0) this.#log.info(report, 'reconciliation pass');
    return report;
  }

  async #settle(tenantId: string, intentId: string): Promise<'settled' | 'expired' | 'open'> {
    const deps = this.#deps;
    const log = this.#log.child({ tenant: tenantId });
    const intent = await withTenant(deps.pool, tenantId, (tx) => getIntent(tx, intentId));
    if (!intent || (intent.status !== 'processing' && intent.status !== 'requires_payment')) return 'open';
    let outcome: Outcome | null = null;
    if (intent.status === 'processing' && intent.checkout_request_ciphertext) {
      const client = await deps.daraja.forTenant(tenantId);
      if (client) {
        const checkoutRequestId = await deps.keystore.decrypt(tenantId, intent.checkout_request_ciphertext);
        try {
          outcome = outcomeFromQuery(await client.stkQuery(checkoutRequestId), log, intentId);
        } catch (err) {
          if (!(err instanceof RetryLater)) throw err;
          log.warn({ intent: intentId, problem: err.message }, 'STK query failed during reconciliation');
        }
      }
    }
    let expired = false;
    if (!outcome && Date.now() - intent.created_at >= this.#o.ttlMs) {
      outcome = { status: 'expired', reason: null, resultCode: null };
      expired = true;
    }
    if (!outcome) return 'open';
    const evt: EventCtx = { tenantId, requestId: '', actor: { kind: 'system', id: 'payments-reconcile' } };
    const applied = await withTenant(deps.pool, tenantId, (tx) =>
      applySettlement(tx, evt, intentId, { status: outcome.status, reason: outcome.reason, resultCode: outcome.resultCode }),
    );
    if (!applied) return 'open';
    void deps.relay.publish(tenantId, [applied.outboxId]);
    log.info({ intent: intentId, status: applied.intent.status, reason: applied.intent.failure_reason }, 'payment intent settled by reconciliation');
    return expired ? 'expired' : 'settled';
  }
}
