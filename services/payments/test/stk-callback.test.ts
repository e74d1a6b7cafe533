import { randomUUID } from 'node:crypto';
import t from 'tap';
import { eventually } from '@duka/testkit';
import { sql, withTenant } from '@duka/db';
import { stkCallbackHandler } from '../src/consumers/stk-callback.consumer.js';
import { encodeMessage, mpesaCallback, mpesaSubject } from '@duka/contracts';
import { PAYING_PHONE, callbackBody, products, startHarness } from './fixtures/harness.js';

const h = await startHarness(t, { consumer: true });

/** A paid-for-by-STK intent in `processing` for a fresh tenant (1 x 150 KES). */
async function processingIntent() {
  const tenantId = randomUUID();
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/checkout',
    headers: await h.headers(tenantId, { 'content-type': 'application/json', 'idempotency-key': randomUUID() }),
    payload: JSON.stringify({ items: [{ productId: products.soap.id, quantity: 1 }], phone: PAYING_PHONE }),
  });
  const body = res.json() as { paymentId: string; status: string; amountCents: number };
  if (body.status !== 'processing') throw new Error(`checkout answered ${res.statusCode} ${res.body}`);
  const checkoutRequestId = await h.checkoutRequestId(tenantId, body.paymentId);
  // Let the simulated payer answer, so the STK query reports a final result.
  await new Promise((r) => setTimeout(r, 120));
  return { tenantId, intentId: body.paymentId, checkoutRequestId, amount: body.amountCents / 100 };
}

async function settled(tenantId: string, intentId: string) {
  return eventually(async () => {
    const i = await h.intent(tenantId, intentId);
    return i && i.status !== 'processing' ? i : undefined;
  });
}

t.test('a success callback, confirmed by an STK query, marks the intent succeeded once', async (t) => {
  const p = await processingIntent();
  await h.publishCallback({ ...p, file: 'stk-callback-success.json' });
  const intent = await settled(p.tenantId, p.intentId);
  t.equal(intent.status, 'succeeded');
  t.equal(intent.result_code, '0');
  t.equal(intent.receipt_masked, '••••••00A1', 'receipt kept masked');
  t.same(await h.outboxTypes(p.tenantId), ['payments.payment.created', 'payments.payment.succeeded']);

  const got = await h.app.inject({ method: 'GET', url: `/v1/payments/${p.intentId}`, headers: await h.headers(p.tenantId) });
  t.match(got.json(), { status: 'succeeded', receipt: '••••••00A1', failureReason: null });
  t.notMatch(got.body, /TEST0000A1/, 'the full receipt never leaves the service');

  // The same callback again (a new inbox row: not byte-identical at webhook-ingest) changes nothing.
  const again = await h.publishCallback({ ...p, file: 'stk-callback-success.json' });
  await eventually(() => h.handled(p.tenantId, again));
  t.equal((await h.intent(p.tenantId, p.intentId))?.status, 'succeeded');
  t.same(await h.outboxTypes(p.tenantId), ['payments.payment.created', 'payments.payment.succeeded'], 'one succeeded event');

  // A failure after the success changes nothing either.
  const late = await h.publishCallback({ ...p, file: 'stk-callback-wrong-pin-2001.json' });
  await eventually(() => h.handled(p.tenantId, late));
  t.equal((await h.intent(p.tenantId, p.intentId))?.status, 'succeeded', 'a success is never overwritten');
  t.same(await h.outboxTypes(p.tenantId), ['payments.payment.created', 'payments.payment.succeeded']);

  // The relay published the outbox rows to EVENTS (published_at set).
  await eventually(() =>
    withTenant(h.pool, p.tenantId, async (tx) => (await tx.oneFirst(sql.unsafe`select count(*) from payments.outbox where published_at is null`)) === 0),
  );
  t.pass('events published');
});

const failures = [
  { file: 'stk-callback-cancelled-1032.json', status: 'cancelled', reason: null },
  { file: 'stk-callback-expired-1019.json', status: 'expired', reason: null },
  { file: 'stk-callback-unreachable-1037.json', status: 'failed', reason: 'unreachable' },
  { file: 'stk-callback-wrong-pin-2001.json', status: 'failed', reason: 'wrong_pin' },
  { file: 'stk-callback-insufficient-1.json', status: 'failed', reason: 'insufficient_funds' },
] as const;

for (const f of failures) {
  t.test(`${f.file} -> ${f.status}${f.reason ? `/${f.reason}` : ''}`, async (t) => {
    const p = await processingIntent();
    await h.publishCallback({ ...p, file: f.file });
    const intent = await settled(p.tenantId, p.intentId);
    t.equal(intent.status, f.status);
    t.equal(intent.failure_reason, f.reason);
    t.same(await h.outboxTypes(p.tenantId), ['payments.payment.created', 'payments.payment.failed']);
  });
}

t.test('a success after a failure changes nothing', async (t) => {
  const p = await processingIntent();
  await h.publishCallback({ ...p, file: 'stk-callback-cancelled-1032.json' });
  t.equal((await settled(p.tenantId, p.intentId)).status, 'cancelled');
  const late = await h.publishCallback({ ...p, file: 'stk-callback-success.json' });
  await eventually(() => h.handled(p.tenantId, late));
  t.equal((await h.intent(p.tenantId, p.intentId))?.status, 'cancelled');
  t.same(await h.outboxTypes(p.tenantId), ['payments.payment.created', 'payments.payment.failed']);
});

t.test('the same inbox id twice is handled once', async (t) => {
  const p = await processingIntent();
  const handle = stkCallbackHandler(h.deps);
  const inboxId = randomUUID();
  const msg = {
    subject: mpesaSubject('stk', p.tenantId),
    data: encodeMessage(mpesaCallback.schema, {
      inboxId,
      tenantId: p.tenantId,
      kind: 'stk',
      intentId: p.intentId,
      rawBody: callbackBody({ ...p, file: 'stk-callback-insufficient-1.json' }),
    }),
    msgId: inboxId,
    tenantId: p.tenantId,
    eventType: 'mpesa.stk.callback',
    requestId: '',
    deliveryCount: 1,
    headers: undefined,
  };
  t.equal(await handle(msg), 'settled');
  t.equal(await handle(msg), 'duplicate');
  t.same(await h.outboxTypes(p.tenantId), ['payments.payment.created', 'payments.payment.failed']);
});

t.test('an unknown result code fails the intent with reason unknown', async (t) => {
  const p = await processingIntent();
  await h.publishCallback({ ...p, file: 'stk-callback-wrong-pin-2001.json', resultCode: 9999 });
  const intent = await settled(p.tenantId, p.intentId);
  t.equal(intent.status, 'failed');
  t.equal(intent.failure_reason, 'unknown');
  t.equal(intent.result_code, '9999');
});

t.test('a success for another amount is not marked paid', async (t) => {
  const p = await processingIntent();
  await h.publishCallback({ ...p, file: 'stk-callback-success.json', amount: p.amount - 1 });
  const intent = await settled(p.tenantId, p.intentId);
  t.equal(intent.status, 'failed');
  t.equal(intent.failure_reason, 'amount_mismatch');
});

t.test('a callback with another CheckoutRequestID, tenant or intent changes nothing', async (t) => {
  const p = await processingIntent();
  const wrongId = await h.publishCallback({ ...p, file: 'stk-callback-success.json', checkoutRequestId: 'ws_CO_191220191020363925' });
  await eventually(() => h.handled(p.tenantId, wrongId));
  const handle = stkCallbackHandler(h.deps);
  const otherTenant = randomUUID();
  const verdict = await handle({
    subject: mpesaSubject('stk', otherTenant),
    data: encodeMessage(mpesaCallback.schema, {
      inboxId: randomUUID(),
      tenantId: otherTenant,
      kind: 'stk',
      intentId: p.intentId,
      rawBody: callbackBody({ ...p, file: 'stk-callback-cancelled-1032.json' }),
    }),
    msgId: randomUUID(),
    tenantId: otherTenant,
    eventType: 'mpesa.stk.callback',
    requestId: '',
    deliveryCount: 1,
    headers: undefined,
  });
  t.equal(verdict, 'ignored', 'another tenant cannot see the intent');
  t.equal((await h.intent(p.tenantId, p.intentId))?.status, 'processing');
  t.same(await h.outboxTypes(p.tenantId), ['payments.payment.created']);
});

t.test('a malformed or mismatched envelope goes to the DLQ at once, changing nothing', async (t) => {
  const p = await processingIntent();
  const handle = stkCallbackHandler(h.deps);
  const base = { msgId: randomUUID(), eventType: 'mpesa.stk.callback', requestId: '', deliveryCount: 1, headers: undefined };
  const envelope = (over: { subjectTenant?: string; rawBody?: Uint8Array } = {}) => ({
    ...base,
    subject: mpesaSubject('stk', over.subjectTenant ?? p.tenantId),
    tenantId: p.tenantId,
    data: encodeMessage(mpesaCallback.schema, {
      inboxId: randomUUID(),
      tenantId: p.tenantId,
      kind: 'stk',
      intentId: p.intentId,
      rawBody: over.rawBody ?? callbackBody({ ...p, file: 'stk-callback-success.json' }),
    }),
  });
  await t.rejects(handle(envelope({ subjectTenant: randomUUID() })), { name: 'PermanentFailure' }, 'subject names another tenant');
  await t.rejects(handle(envelope({ rawBody: new TextEncoder().encode('{not json') })), { name: 'PermanentFailure' }, 'body is not JSON');
  await t.rejects(handle(envelope({ rawBody: new TextEncoder().encode('{"Body":{}}') })), { name: 'PermanentFailure' }, 'no stkCallback');
  await t.rejects(handle({ ...envelope(), data: new Uint8Array([255, 1, 2]) }), { name: 'PermanentFailure' }, 'not a CallbackReceived');
  t.equal((await h.intent(p.tenantId, p.intentId))?.status, 'processing');
});
