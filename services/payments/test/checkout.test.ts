import { randomUUID } from 'node:crypto';
import t from 'tap';
import { principalHeaders } from '@duka/testkit';
import { sql, withTenant } from '@duka/db';
import { PAYING_PHONE, products, startHarness, unknownProduct } from './fixtures/harness.js';

const h = await startHarness(t);

interface Problem {
  code: string;
  status: number;
  detail: string;
  type: string;
  errors?: Array<{ field: string; message: string }>;
}

async function post(tenantId: string, body: unknown, key: string | null = randomUUID(), extra: Record<string, string> = {}) {
  const headers = await h.headers(tenantId, { 'content-type': 'application/json', ...(key === null ? {} : { 'idempotency-key': key }), ...extra });
  return h.app.inject({ method: 'POST', url: '/v1/checkout', headers, payload: JSON.stringify(body) });
}

const cart = (items: Array<{ productId: string; quantity: number }>, phone = PAYING_PHONE) => ({ items, phone });

t.test('checkout prices the cart, stores the intent and sends the STK push', async (t) => {
  const tenant = randomUUID();
  const res = await post(tenant, cart([{ productId: products.soap.id, quantity: 2 }, { productId: products.oneShilling.id, quantity: 3 }]));
  t.equal(res.statusCode, 202, res.body);
  const body = res.json() as { paymentId: string; orderId: string; status: string; amountCents: number; currency: string };
  t.equal(body.status, 'processing');
  t.equal(body.amountCents, 30_300);
  t.equal(body.currency, 'KES');
  const intent = await h.intent(tenant, body.paymentId);
  t.equal(intent?.status, 'processing');
  t.ok(intent?.checkout_request_index, 'CheckoutRequestID stored (encrypted, with a blind index)');
  t.notOk(intent?.phone_ciphertext.includes('712345678'), 'phone is not stored in plaintext');

  const checkoutId = await h.checkoutRequestId(tenant, body.paymentId);
  const push = (await fetch(`${h.simUrl}/sim/pushes/${checkoutId}`).then((r) => r.json())) as { amount: number; accountReference: string };
  t.equal(push.amount, 303, 'Daraja was asked for whole shillings');
  t.match(push.accountReference, /^[A-Z0-9]{1,12}$/);
  t.same(await h.outboxTypes(tenant), ['payments.payment.created']);

  const got = await h.app.inject({ method: 'GET', url: `/v1/payments/${body.paymentId}`, headers: await h.headers(tenant) });
  t.equal(got.statusCode, 200);
  t.match(got.json(), { id: body.paymentId, orderId: body.orderId, status: 'processing', amountCents: 30_300, currency: 'KES', failureReason: null, receipt: null });
});

t.test('the same key and body replays the first answer; another body is refused', async (t) => {
  const tenant = randomUUID();
  const key = 'order-' + randomUUID();
  const first = await post(tenant, cart([{ productId: products.soap.id, quantity: 1 }]), key);
  t.equal(first.statusCode, 202);
  const quotes = h.quotes;
  // Same meaning, typed differently: still the same request.
  const again = await post(tenant, { phone: '+254712345678', items: [{ quantity: 1, productId: products.soap.id }] }, key);
  t.equal(again.statusCode, 202);
  t.same(again.json(), first.json());
  t.equal(h.quotes, quotes, 'a replay does not price the cart again');

  const other = await post(tenant, cart([{ productId: products.soap.id, quantity: 2 }]), key);
  t.equal(other.statusCode, 422);
  t.equal((other.json() as Problem).code, 'PAYMENTS_IDEMPOTENCY_MISMATCH');
  t.equal(other.headers['content-type'], 'application/problem+json; charset=utf-8');

  // Keys are per tenant.
  const elsewhere = await post(randomUUID(), cart([{ productId: products.soap.id, quantity: 2 }]), key);
  t.equal(elsewhere.statusCode, 202);
});

t.test('a request racing one in flight gets 409', async (t) => {
  const tenant = randomUUID();
  const key = randomUUID();
  await fetch(`${h.simUrl}/sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'delay', count: 2, delayMs: 800 }),
  });
  const first = post(tenant, cart([{ productId: products.soap.id, quantity: 1 }]), key);
  await new Promise((r) => setTimeout(r, 300));
  const second = await post(tenant, cart([{ productId: products.soap.id, quantity: 1 }]), key);
  t.equal(second.statusCode, 409);
  t.equal((second.json() as Problem).code, 'PAYMENTS_IDEMPOTENCY_IN_FLIGHT');
  t.equal((await first).statusCode, 202);
  const third = await post(tenant, cart([{ productId: products.soap.id, quantity: 1 }]), key);
  t.same(third.json(), (await first).json(), 'once done, the key replays');
});

t.test('a key left in flight by a crashed request is completed from the intent once stale', async (t) => {
  const tenant = randomUUID();
  const key = randomUUID();
  const body = cart([{ productId: products.soap.id, quantity: 1 }]);
  const first = await post(tenant, body, key);
  t.equal(first.statusCode, 202);
  // As if the process died after the commit, before storing the answer.
  await withTenant(h.pool, tenant, (tx) =>
    tx.query(sql.unsafe`update payments.idempotency_keys set state = 'in_flight', response_status = null, response_body = null,
      updated_at = now() - interval '1 hour' where key = ${key}`),
  );
  const again = await post(tenant, body, key);
  t.equal(again.statusCode, 202);
  t.same(again.json(), first.json());
});

t.test('requests that cannot be checked out', async (t) => {
  const tenant = randomUUID();
  const missingKey = await post(tenant, cart([{ productId: products.soap.id, quantity: 1 }]), null);
  t.equal(missingKey.statusCode, 400);
  t.match(missingKey.json(), { code: 'PAYMENTS_IDEMPOTENCY_KEY_REQUIRED', type: 'https://duka.dev/problems/payments-idempotency-key-required' });
  t.match((missingKey.json() as Problem).detail, /Idempotency-Key/);

  const badKey = await post(tenant, cart([{ productId: products.soap.id, quantity: 1 }]), 'has space');
  t.equal(badKey.statusCode, 400);
  t.equal((badKey.json() as Problem).code, 'PAYMENTS_IDEMPOTENCY_KEY_REQUIRED');

  const unknownField = await post(tenant, { ...cart([{ productId: products.soap.id, quantity: 1 }]), amountCents: 1 });
  t.equal(unknownField.statusCode, 400);
  t.match((unknownField.json() as Problem).errors, [{ field: 'body.amountCents' }], 'names the unknown field');

  const unknownItemField = await post(tenant, cart([{ productId: products.soap.id, quantity: 1, priceCents: 1 } as never]));
  t.equal(unknownItemField.statusCode, 400);
  t.match((unknownItemField.json() as Problem).errors, [{ field: 'body.items.0.priceCents' }]);

  const badQuantity = await post(tenant, cart([{ productId: products.soap.id, quantity: 101 }]));
  t.equal(badQuantity.statusCode, 400);
  t.match((badQuantity.json() as Problem).errors, [{ field: 'body.items.0.quantity' }]);

  const noItems = await post(tenant, cart([]));
  t.equal(noItems.statusCode, 400);

  const badPhone = await post(tenant, cart([{ productId: products.soap.id, quantity: 1 }], '0201 234 567'));
  t.equal(badPhone.statusCode, 400);
  t.match(badPhone.json(), { code: 'VALIDATION_FAILED', errors: [{ field: 'body.phone' }] });
  t.notMatch(badPhone.body, /0201/, 'the number is not echoed');

  const odd = await post(tenant, cart([{ productId: products.oddCents.id, quantity: 1 }]));
  t.equal(odd.statusCode, 422);
  t.equal((odd.json() as Problem).code, 'PAYMENTS_AMOUNT_NOT_WHOLE_SHILLINGS');

  const tooMuch = await post(tenant, cart([{ productId: products.car.id, quantity: 1 }]));
  t.equal(tooMuch.statusCode, 422);
  t.equal((tooMuch.json() as Problem).code, 'PAYMENTS_AMOUNT_OUT_OF_RANGE');

  const unknown = await post(tenant, cart([{ productId: unknownProduct, quantity: 1 }]));
  t.equal(unknown.statusCode, 422);
  t.equal((unknown.json() as Problem).code, 'PAYMENTS_PRODUCT_NOT_FOUND');

  t.same(await h.outboxTypes(tenant), [], 'nothing was stored for refused requests');

  const noTenant = await post('', cart([{ productId: products.soap.id, quantity: 1 }]));
  t.equal(noTenant.statusCode, 400);
  t.equal((noTenant.json() as Problem).code, 'PAYMENTS_TENANT_REQUIRED');

  const unsigned = await h.app.inject({
    method: 'POST',
    url: '/v1/checkout',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' },
    payload: JSON.stringify(cart([{ productId: products.soap.id, quantity: 1 }])),
  });
  t.equal(unsigned.statusCode, 401);
});

t.test('Daraja refusing the push fails the intent; Daraja unavailable leaves it open', async (t) => {
  // A tenant with its own (wrong) paybill in the key store: Daraja refuses the shortcode.
  const refused = randomUUID();
  await h.keystore.writeTenantSecret(refused, 'mpesa', { shortcode: '600999', passkey: 'x', consumerKey: 'test-key', consumerSecret: 'test-secret' });
  const r1 = await post(refused, cart([{ productId: products.soap.id, quantity: 1 }]));
  t.equal(r1.statusCode, 202);
  t.equal((r1.json() as { status: string }).status, 'failed');
  const failed = await h.intent(refused, (r1.json() as { paymentId: string }).paymentId);
  t.equal(failed?.failure_reason, 'daraja_rejected');
  t.same(await h.outboxTypes(refused), ['payments.payment.created', 'payments.payment.failed']);

  const down = randomUUID();
  await fetch(`${h.simUrl}/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'server_error', count: 1 }) });
  const r2 = await post(down, cart([{ productId: products.soap.id, quantity: 1 }]));
  t.equal(r2.statusCode, 202);
  t.equal((r2.json() as { status: string }).status, 'requires_payment', 'left for reconciliation');
  t.same(await h.outboxTypes(down), ['payments.payment.created']);
});

t.test('GET /v1/payments/:id within the tenant only', async (t) => {
  const tenant = randomUUID();
  const res = await post(tenant, cart([{ productId: products.soap.id, quantity: 1 }]));
  const { paymentId } = res.json() as { paymentId: string };
  const viewer = await principalHeaders(h.keystore, { kind: 'user', tid: tenant, sub: randomUUID(), role: 'viewer' });
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/payments/${paymentId}`, headers: viewer })).statusCode, 200);
  const other = await h.app.inject({ method: 'GET', url: `/v1/payments/${paymentId}`, headers: await h.headers(randomUUID()) });
  t.equal(other.statusCode, 404);
  t.equal((other.json() as Problem).code, 'PAYMENTS_PAYMENT_NOT_FOUND');
  t.equal((await h.app.inject({ method: 'GET', url: `/v1/payments/${randomUUID()}`, headers: await h.headers(tenant) })).statusCode, 404);
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/payments/not-a-uuid', headers: await h.headers(tenant) })).statusCode, 404);
});
