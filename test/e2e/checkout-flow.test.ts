/**
 * The platform's main job, end to end, as real processes on real Postgres, NATS and Redis: a merchant signs up,
 * signs in and adds a product; a shopper checks out; the simulator prompts and calls back; the payment ends
 * `succeeded`, is audited, and the shopper's receipt is recorded. Everything goes through the gateway's public API.
 */
import t from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Bus, destroyNamespace } from '@duka/bus';
import { createLogger } from '@duka/log';
import {
  DukaApi,
  databaseUrl,
  eventually,
  repoRoot,
  startStack,
  testInfra,
  testKeystore,
  testNamespace,
} from '@duka/testkit';

const namespace = testNamespace();
const stack = await startStack({
  root: repoRoot,
  ports: 'random',
  databaseUrls: Object.fromEntries(
    ['identity', 'catalog', 'payments', 'webhook-ingest', 'audit', 'notifications'].map((s) => [s, databaseUrl(s)]),
  ),
  natsUrl: testInfra.natsUrl,
  redisUrl: testInfra.redisUrl,
  namespace,
  keystorePath: testKeystore().path,
  sim: {
    consumerKey: randomBytes(8).toString('hex'),
    consumerSecret: randomBytes(8).toString('hex'),
    shortcode: '174379',
    passkey: randomBytes(32).toString('hex'),
    callbackDelayMs: 150,
  },
  logDir: join(repoRoot, '.data', 'logs', 'e2e', namespace),
  logLevel: 'warn',
});
t.teardown(async () => {
  await stack.stop();
  const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'e2e-clean', namespace, logger: createLogger({ service: 'e2e', level: 'silent' }) });
  await destroyNamespace(bus);
  await bus.close();
});

const api = new DukaApi(stack.url('gateway'));

async function newShop() {
  const slug = `e2e-${randomBytes(4).toString('hex')}`;
  const owner = { email: `owner@${slug}.example`, phone: '+254700000001', password: randomBytes(12).toString('base64url') };
  const signup = await api.signup({ name: 'E2E shop', slug, owner });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const tenantId = signup.body.tenant.id;
  const login = await api.as(tenantId).login(owner.email, owner.password);
  const panel = api.as(tenantId, login.body.accessToken);
  const product = await panel.createProduct({ name: 'Chai', priceCents: 25_000, currency: 'KES', published: true });
  return { slug, owner, signup, tenantId, login, panel, product, shopper: api.as(tenantId) };
}

t.test('signup, login, product, checkout, callback, succeeded, audited, notified', async (t) => {
  const shop = await newShop();
  t.equal(shop.signup.status, 201);
  t.match(shop.signup.body, { tenant: { id: String, slug: shop.slug }, owner: { id: String } });
  t.equal(shop.login.status, 200);
  t.match(shop.login.body, { accessToken: String, refreshToken: String, expiresIn: Number });
  t.equal(shop.product.status, 201);
  t.match(shop.product.body, { id: String, priceCents: 25_000 });

  const listed = await shop.panel.call<{ items: Array<{ id: string }> }>('GET', '/v1/products');
  t.equal(listed.status, 200);
  t.same(listed.body.items.map((p) => p.id), [shop.product.body.id]);

  const store = await shop.shopper.storeProducts();
  t.equal(store.status, 200);
  t.same(store.body.items.map((p) => p.id), [shop.product.body.id]);
  t.ok('nextCursor' in store.body);

  const key = randomUUID();
  const order = { items: [{ productId: shop.product.body.id, quantity: 2 }], phone: '0712 345 678' };
  const checkout = await shop.shopper.checkout(key, order);
  t.equal(checkout.status, 202);
  t.match(checkout.body, { paymentId: String, orderId: String, status: /^(processing|requires_payment)$/, amountCents: 50_000 });

  const again = await shop.shopper.checkout(key, order);
  t.equal(again.status, 202, 'the same key and body replay the first answer');
  t.equal(again.body.paymentId, checkout.body.paymentId);
  t.equal(JSON.stringify(again.body), JSON.stringify(checkout.body), 'byte for byte the first answer');

  const final = await shop.shopper.waitForFinalPayment(checkout.body.paymentId);
  t.equal(final.status, 200);
  t.equal(final.body.status, 'succeeded');
  t.equal(final.body.amountCents, 50_000);

  const ownerView = await shop.panel.payment(checkout.body.paymentId);
  t.equal(ownerView.body.status, 'succeeded', 'the owner sees it too');

  const actions = await eventually(async () => {
    const audit = await shop.panel.audit();
    const list = audit.body.items?.map((e) => e.action) ?? [];
    return list.includes('payments.payment.succeeded') && list.includes('catalog.product.created') ? list : undefined;
  }, 20_000);
  for (const a of ['identity.tenant.created', 'identity.user.logged_in', 'catalog.product.created', 'payments.payment.succeeded']) {
    t.ok(actions.includes(a), `audited: ${a}`);
  }

  const delivery = await eventually(async () => {
    const res = await shop.panel.deliveries();
    return res.body.items?.find((d) => d.paymentId === checkout.body.paymentId);
  }, 20_000);
  t.equal(delivery.status, 'sent');
  t.notMatch(delivery.recipient, /712345678/, 'the recipient is masked');
});

t.test('each simulated M-Pesa outcome ends the payment in the right state', async (t) => {
  const shop = await newShop();
  const cases = [
    { phone: '0711111032', status: 'cancelled' },
    { phone: '0711111019', status: 'expired' },
    { phone: '0711111037', status: 'failed', reason: 'unreachable' },
    { phone: '0711112001', status: 'failed', reason: 'wrong_pin' },
    { phone: '0711110001', status: 'failed', reason: 'insufficient_funds' },
  ];
  await Promise.all(
    cases.map(async (c) => {
      const res = await shop.shopper.checkout(randomUUID(), { items: [{ productId: shop.product.body.id, quantity: 1 }], phone: c.phone });
      t.equal(res.status, 202, `${c.status}: accepted`);
      const final = await shop.shopper.waitForFinalPayment(res.body.paymentId);
      t.equal(final.body.status, c.status, `phone ending ${c.phone.slice(-4)} -> ${c.status}`);
      if (c.reason) t.equal(final.body.failureReason, c.reason);
    }),
  );
});

t.test('two shoppers cannot both buy the last unit; a cancelled payment puts it back on sale', async (t) => {
  const shop = await newShop();
  const last = await shop.panel.createProduct({ name: 'Last kikoi', priceCents: 100_000, currency: 'KES', published: true, stock: 1 });
  t.equal(last.status, 201);
  const cart = (phone: string) => ({ items: [{ productId: last.body.id, quantity: 1 }], phone });
  // Both shoppers will cancel the prompt (phone ending 1032), so the winner's unit comes back.
  const [a, b] = await Promise.all([shop.shopper.checkout(randomUUID(), cart('0711111032')), shop.shopper.checkout(randomUUID(), cart('0722221032'))]);
  t.same([a.status, b.status].sort(), [202, 422], 'one checkout holds the unit, the other is told it is gone');
  const loser = a.status === 422 ? a : b;
  t.match(JSON.stringify(loser.body), /OUT_OF_STOCK/);
  const winner = a.status === 202 ? a : b;
  t.equal((await shop.shopper.waitForFinalPayment(winner.body.paymentId)).body.status, 'cancelled');
  const again = await eventually(async () => {
    const res = await shop.shopper.checkout(randomUUID(), cart('0712345678'));
    return res.status === 202 ? res : undefined;
  }, 20_000);
  t.equal((await shop.shopper.waitForFinalPayment(again.body.paymentId)).body.status, 'succeeded');
  const product = await shop.panel.call<{ stock: number }>('GET', `/v1/products/${last.body.id}`);
  t.equal(product.body.stock, 0, 'sold');
});

t.test('tenants are sealed from each other through the public API', async (t) => {
  const a = await newShop();
  const b = await newShop();
  const crossToken = await api.as(b.tenantId, a.login.body.accessToken).call('GET', '/v1/products');
  t.equal(crossToken.status, 403, "tenant A's token is refused for tenant B");
  const bList = await b.panel.call<{ items: Array<{ id: string }> }>('GET', '/v1/products');
  t.notOk(bList.body.items.some((p) => p.id === a.product.body.id), "B's list does not show A's product");
  const bStore = await b.shopper.storeProducts();
  t.notOk(bStore.body.items.some((p) => p.id === a.product.body.id));
  const steal = await b.shopper.checkout(randomUUID(), { items: [{ productId: a.product.body.id, quantity: 1 }], phone: '0712345678' });
  t.equal(steal.status, 422, "B's shoppers cannot buy A's product");
});

t.test('bad input gets a problem, never a 500, and nothing is written', async (t) => {
  const shop = await newShop();
  const item = { productId: shop.product.body.id, quantity: 1 };
  const noKey = await shop.shopper.call('POST', '/v1/checkout', { items: [item], phone: '0712345678' });
  t.equal(noKey.status, 400);
  t.equal(noKey.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  t.match(JSON.stringify(noKey.body), /idempotency-key/i);

  const unknown = await shop.shopper.checkout(randomUUID(), { items: [item], phone: '0712345678', amountCents: 1 } as never);
  t.equal(unknown.status, 400);
  t.match(JSON.stringify(unknown.body), /amountCents/);

  const malformed = await fetch(`${stack.url('gateway')}/v1/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': shop.tenantId, authorization: `Bearer ${shop.login.body.accessToken}` },
    body: '{"name": "x", ',
  });
  t.equal(malformed.status, 400);
  t.equal(((await malformed.json()) as { type: string }).type.startsWith('https://duka.dev/problems/'), true);

  const wrongType = await shop.panel.call('POST', '/v1/products', { name: 'Bad', priceCents: '100', currency: 'KES' });
  t.equal(wrongType.status, 400);
  t.match(JSON.stringify(wrongType.body), /priceCents/);

  const after = await shop.panel.call<{ items: unknown[] }>('GET', '/v1/products');
  t.equal(after.body.items.length, 1, 'no product was written by the bad requests');
});
