/**
 * Stock held for payments: a quote with a reservation takes limited stock out of sale, so concurrent checkouts
 * cannot both buy the last unit; the payment's events then sell or give it back; unconfirmed holds expire.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { Bus, destroyNamespace } from '@duka/bus';
import { catalogQuote, encodeEvent, encodeMessage, eventSubject } from '@duka/contracts';
import { createDbPool, sql, withTenant } from '@duka/db';
import { createLogger } from '@duka/log';
import { databaseUrl, eventually, testInfra, testNamespace } from '@duka/testkit';
import { z } from 'zod';
import { startStockConsumer } from '../src/consumers/stock.consumer.js';
import { answerQuote } from '../src/rpc/quote.responder.js';
import { insertProduct } from '../src/store/product.store.js';
import { startHoldSweeper } from '../src/workers/hold-sweeper.js';

const logger = createLogger({ service: 'catalog', level: 'silent' });
const pool = await createDbPool(databaseUrl('catalog'), { applicationName: 'catalog-holds-test' });
const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'catalog-holds-test', namespace: testNamespace(), logger });
await bus.ensureStreams();
await startStockConsumer({ bus, pool, logger, holdTtlMs: 60_000 });
t.teardown(async () => {
  await destroyNamespace(bus);
  await bus.close();
  await pool.end();
});

async function product(tenantId: string, stock: number | null) {
  const id = randomUUID();
  await withTenant(pool, tenantId, (tx) => insertProduct(tx, tenantId, id, { name: 'Last one', priceCents: 5_000, currency: 'KES', published: true, stock }));
  return id;
}

const stockOf = (tenantId: string, id: string) =>
  withTenant(pool, tenantId, (tx) => tx.oneFirst(sql.type(z.object({ stock: z.number().nullable() }))`select stock from catalog.products where id = ${id}`));
const holdState = (tenantId: string, paymentId: string) =>
  withTenant(pool, tenantId, (tx) => tx.maybeOneFirst(sql.type(z.object({ state: z.string() }))`select state from catalog.stock_holds where payment_id = ${paymentId}`));

function quote(tenantId: string, productId: string, quantity: number, reservationId: string, holdPendingMs = 120_000) {
  const data = encodeMessage(catalogQuote.request, { tenantId, requestId: 'r', items: [{ productId, quantity: BigInt(quantity) }], reservationId });
  return answerQuote({ pool, logger, holdPendingMs }, data);
}

async function publishPaymentEvent(tenantId: string, type: 'payments.payment.created' | 'payments.payment.succeeded' | 'payments.payment.failed', paymentId: string) {
  const eventId = randomUUID();
  const meta = { eventId, tenantId, occurredAtMs: BigInt(Date.now()) };
  const body =
    type === 'payments.payment.failed'
      ? encodeEvent(type, { meta, paymentId, orderId: randomUUID(), status: 'cancelled', reason: '' })
      : type === 'payments.payment.succeeded'
        ? encodeEvent(type, { meta, paymentId, orderId: randomUUID(), amountCents: 5_000n, currency: 'KES' })
        : encodeEvent(type, { meta, paymentId, orderId: randomUUID(), amountCents: 5_000n, currency: 'KES' });
  await bus.publish(eventSubject(type, tenantId), body, { msgId: eventId, tenantId, eventType: type });
  return eventId;
}

t.test('concurrent reservations cannot both take the last unit', async (t) => {
  const tenant = randomUUID();
  const id = await product(tenant, 1);
  const answers = await Promise.all(Array.from({ length: 5 }, () => quote(tenant, id, 1, randomUUID())));
  t.equal(answers.filter((a) => a.ok).length, 1, 'one holder');
  t.equal(answers.filter((a) => !a.ok && a.errorCode === 'OUT_OF_STOCK').length, 4);
  t.equal(await stockOf(tenant, id), 0);
});

t.test('asking again for the same payment holds nothing more', async (t) => {
  const tenant = randomUUID();
  const id = await product(tenant, 3);
  const payment = randomUUID();
  t.match(await quote(tenant, id, 2, payment), { ok: true });
  t.match(await quote(tenant, id, 2, payment), { ok: true }, 'the retry is priced, not refused for its own hold');
  t.equal(await stockOf(tenant, id), 1);
});

t.test('unlimited stock is never held; a plain quote holds nothing', async (t) => {
  const tenant = randomUUID();
  const unlimited = await product(tenant, null);
  t.match(await quote(tenant, unlimited, 5, randomUUID()), { ok: true });
  t.equal(await stockOf(tenant, unlimited), null);
  const limited = await product(tenant, 2);
  const plain = await answerQuote({ pool, logger }, encodeMessage(catalogQuote.request, { tenantId: tenant, requestId: 'r', items: [{ productId: limited, quantity: 1n }] }));
  t.match(plain, { ok: true });
  t.equal(await stockOf(tenant, limited), 2);
});

t.test('a failed payment gives its stock back, once; a succeeded one keeps it sold', async (t) => {
  const tenant = randomUUID();
  const id = await product(tenant, 2);
  const lost = randomUUID();
  const paid = randomUUID();
  await quote(tenant, id, 1, lost);
  await quote(tenant, id, 1, paid);
  t.equal(await stockOf(tenant, id), 0);
  await publishPaymentEvent(tenant, 'payments.payment.created', paid);
  await publishPaymentEvent(tenant, 'payments.payment.succeeded', paid);
  await publishPaymentEvent(tenant, 'payments.payment.failed', lost);
  await publishPaymentEvent(tenant, 'payments.payment.failed', lost); // a second failure event (another id)
  await eventually(async () => (await holdState(tenant, lost)) === 'released' && (await holdState(tenant, paid)) === 'sold');
  await new Promise((r) => setTimeout(r, 300));
  t.equal(await stockOf(tenant, id), 1, 'one unit back on sale, not two');
  await publishPaymentEvent(tenant, 'payments.payment.failed', paid);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(await holdState(tenant, paid), 'sold', 'a sale is never undone by a late failure');
  t.equal(await stockOf(tenant, id), 1);
});

t.test('a hold whose payment never came to be expires and is released by the sweep', async (t) => {
  const tenant = randomUUID();
  const id = await product(tenant, 1);
  const ghost = randomUUID();
  await quote(tenant, id, 1, ghost, 3_000); // the checkout died before committing its intent
  t.equal(await stockOf(tenant, id), 0);
  // The sweep works across tenants (other tests' expired holds may go too): look at this tenant's rows only.
  const sweeper = startHoldSweeper({ pool, logger, intervalMs: 60_000 });
  t.teardown(() => sweeper.stop());
  await sweeper.runOnce();
  t.equal(await holdState(tenant, ghost), 'held', 'not before it expires');
  await new Promise((r) => setTimeout(r, 3_200));
  await sweeper.runOnce();
  t.equal(await holdState(tenant, ghost), 'released');
  t.equal(await stockOf(tenant, id), 1);
});

t.test('a created payment extends its hold beyond the short pending window', async (t) => {
  const tenant = randomUUID();
  const id = await product(tenant, 1);
  const payment = randomUUID();
  await quote(tenant, id, 1, payment, 2_000);
  await publishPaymentEvent(tenant, 'payments.payment.created', payment);
  const expiresIn = () =>
    withTenant(pool, tenant, (tx) => tx.oneFirst(sql.type(z.object({ s: z.number() }))`
      select extract(epoch from expires_at - now()) as s from catalog.stock_holds where payment_id = ${payment}`));
  await eventually(async () => (await expiresIn()) > 30);
  const sweeper = startHoldSweeper({ pool, logger, intervalMs: 60_000 });
  t.teardown(() => sweeper.stop());
  await new Promise((r) => setTimeout(r, 2_200));
  await sweeper.runOnce();
  t.equal(await holdState(tenant, payment), 'held');
  t.equal(await stockOf(tenant, id), 0);
});

t.test('a reservation id that is not a UUID is refused', async (t) => {
  const tenant = randomUUID();
  const id = await product(tenant, 1);
  const reply = await answerQuote({ pool, logger }, encodeMessage(catalogQuote.request, { tenantId: tenant, requestId: 'r', items: [{ productId: id, quantity: 1n }], reservationId: 'nope' }));
  t.match(reply, { ok: false, errorCode: 'INVALID_REQUEST' });
});

t.test('retries of one payment racing each other hold its stock once, and all are priced', async (t) => {
  const tenant = randomUUID();
  const id = await product(tenant, 4);
  const payment = randomUUID();
  const answers = await Promise.all(Array.from({ length: 4 }, () => quote(tenant, id, 1, payment)));
  t.same(answers.map((a) => a.ok), [true, true, true, true]);
  t.equal(await stockOf(tenant, id), 3);
});

t.test('holds and releases of multi-product carts in opposite orders do not deadlock', async (t) => {
  const tenant = randomUUID();
  const p1 = await product(tenant, 100);
  const p2 = await product(tenant, 100);
  const cart = (a: string, b: string, reservationId: string) =>
    answerQuote({ pool, logger }, encodeMessage(catalogQuote.request, { tenantId: tenant, requestId: 'r', reservationId, items: [{ productId: a, quantity: 1n }, { productId: b, quantity: 1n }] }));
  const first = Array.from({ length: 10 }, () => randomUUID());
  await Promise.all(first.map((r, i) => (i % 2 ? cart(p1, p2, r) : cart(p2, p1, r))));
  const sweeper = startHoldSweeper({ pool, logger, intervalMs: 60_000 });
  t.teardown(() => sweeper.stop());
  // Release the first ten (as failed payments) while ten more are held, in both orders at once.
  const results = await Promise.all([
    ...first.map((r) => publishPaymentEvent(tenant, 'payments.payment.failed', r).then(() => ({ ok: true }))),
    ...Array.from({ length: 10 }, (_, i) => cart(i % 2 ? p2 : p1, i % 2 ? p1 : p2, randomUUID())),
  ]);
  t.ok(results.every((r) => r.ok), 'every hold answered ok (no deadlock or lock failure)');
  await eventually(async () => (await stockOf(tenant, p1)) === 90 && (await stockOf(tenant, p2)) === 90);
  t.pass('ten holds left on each product');
});

t.test('a success after its hold expired takes the units out of sale again', async (t) => {
  const tenant = randomUUID();
  const id = await product(tenant, 2);
  const late = randomUUID();
  await quote(tenant, id, 1, late, 1_000);
  const sweeper = startHoldSweeper({ pool, logger, intervalMs: 60_000 });
  t.teardown(() => sweeper.stop());
  await new Promise((r) => setTimeout(r, 1_200));
  await sweeper.runOnce();
  t.equal(await stockOf(tenant, id), 2, 'released');
  await publishPaymentEvent(tenant, 'payments.payment.succeeded', late);
  await eventually(async () => (await holdState(tenant, late)) === 'sold');
  t.equal(await stockOf(tenant, id), 1, 'sold after all');
});
