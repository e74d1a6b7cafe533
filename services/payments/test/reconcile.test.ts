import { randomUUID } from 'node:crypto';
import t from 'tap';
import { ReconcileWorker } from '../src/workers/reconcile.js';
import { NO_CALLBACK_PHONE, PAYING_PHONE, products, startHarness } from './fixtures/harness.js';

const h = await startHarness(t, { callbackDelayMs: 1_000 });

async function checkout(tenantId: string, phone: string) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/checkout',
    headers: await h.headers(tenantId, { 'content-type': 'application/json', 'idempotency-key': randomUUID() }),
    payload: JSON.stringify({ items: [{ productId: products.soap.id, quantity: 1 }], phone }),
  });
  return res.json() as { paymentId: string; status: string };
}

const worker = (tenantId: string, over: { settleAfterMs?: number; ttlMs?: number } = {}) =>
  new ReconcileWorker(h.deps, { intervalMs: 60_000, settleAfterMs: over.settleAfterMs ?? 0, ttlMs: over.ttlMs ?? 60_000, onlyTenant: tenantId });

t.test('a processing intent whose callback never came is settled by an STK query', async (t) => {
  const tenant = randomUUID();
  const paid = await checkout(tenant, PAYING_PHONE);
  const silent = await checkout(tenant, NO_CALLBACK_PHONE);
  t.equal(paid.status, 'processing');
  t.equal(silent.status, 'processing');

  // While the prompt is open the query answers "pending": nothing changes.
  const early = await worker(tenant).runOnce();
  t.equal(early.settled, 0, 'pending is never a failure');
  t.equal((await h.intent(tenant, paid.paymentId))?.status, 'processing');

  await new Promise((r) => setTimeout(r, 2_200)); // the simulated payer answers (no callback: the prompt times out at 2x)
  const report = await worker(tenant).runOnce();
  t.equal(report.settled, 2);
  t.equal((await h.intent(tenant, paid.paymentId))?.status, 'succeeded');
  const unreachable = await h.intent(tenant, silent.paymentId);
  t.equal(unreachable?.status, 'failed');
  t.equal(unreachable?.failure_reason, 'unreachable');
  t.same((await h.outboxTypes(tenant)).sort(), [
    'payments.payment.created',
    'payments.payment.created',
    'payments.payment.failed',
    'payments.payment.succeeded',
  ]);

  const again = await worker(tenant).runOnce();
  t.equal(again.checked, 0, 'settled intents are not looked at again');
});

t.test('an intent without a final answer expires after its TTL', async (t) => {
  const tenant = randomUUID();
  await fetch(`${h.simUrl}/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'server_error', count: 1 }) });
  const unsent = await checkout(tenant, PAYING_PHONE);
  t.equal(unsent.status, 'requires_payment');
  t.equal((await worker(tenant, { ttlMs: 60_000 }).runOnce()).expired, 0, 'not before the TTL');
  await new Promise((r) => setTimeout(r, 50));
  const report = await worker(tenant, { ttlMs: 20 }).runOnce();
  t.equal(report.expired, 1);
  const intent = await h.intent(tenant, unsent.paymentId);
  t.equal(intent?.status, 'expired');
  t.same(await h.outboxTypes(tenant), ['payments.payment.created', 'payments.payment.failed']);
});
