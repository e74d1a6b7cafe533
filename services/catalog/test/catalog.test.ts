import t from 'tap';
import { randomUUID } from 'node:crypto';
import { Bus, OutboxRelay, destroyNamespace, type BusMessage } from '@duka/bus';
import { CATALOG_QUOTE_SUBJECT, catalogQuote, decodeEvent, decodeMessage, encodeMessage, type QuoteRequest } from '@duka/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { createDbPool } from '@duka/db';
import { createLogger } from '@duka/log';
import { databaseUrl, eventually, principalHeaders, testInfra, testKeystore, testNamespace } from '@duka/testkit';
import { buildApp } from '../src/app.js';
import { startQuoteResponder } from '../src/rpc/quote.responder.js';

const logger = createLogger({ service: 'catalog', level: 'silent' });
const { keystore } = testKeystore();
const pool = await createDbPool(databaseUrl('catalog'), { applicationName: 'catalog-test' });
const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'catalog-test', namespace: testNamespace(), logger });
await bus.ensureStreams();
const relay = new OutboxRelay({ bus, pool, schema: 'catalog', logger, sweepMs: 200 });
relay.start();
const app = await buildApp({ logger, pool, bus, relay, principalKey: await keystore.namedKey('internal-principal') });
const quotes = startQuoteResponder({ bus, pool, logger });

t.teardown(async () => {
  await app.close();
  await quotes.stop();
  await relay.stop();
  await destroyNamespace(bus);
  await bus.close();
  await pool.end();
});

const tenantA = randomUUID();
const tenantB = randomUUID();
const owner = (tid: string) => principalHeaders(keystore, { kind: 'user', tid, sub: randomUUID(), role: 'owner' });
const staff = (tid: string) => principalHeaders(keystore, { kind: 'user', tid, sub: randomUUID(), role: 'staff' });
const viewer = (tid: string) => principalHeaders(keystore, { kind: 'user', tid, sub: randomUUID(), role: 'viewer' });
const shopper = (tid: string) => principalHeaders(keystore, { kind: 'public', tid });

async function create(tid: string, body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/v1/products', headers: await owner(tid), payload: body });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; priceCents: number; published: boolean; stock: number | null };
}

async function quote(init: MessageInitShape<typeof catalogQuote.request>) {
  const msg = await bus.nc.request(bus.subject(CATALOG_QUOTE_SUBJECT), encodeMessage(catalogQuote.request, init), { timeout: 5_000 });
  return decodeMessage(catalogQuote.reply, msg.data);
}

t.test('create, get, list and patch with roles', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/products',
    headers: await staff(tenantA),
    payload: { name: 'Unga 2kg', priceCents: 25_000, currency: 'KES', published: true, stock: 10 },
  });
  t.equal(res.statusCode, 201);
  const p = res.json();
  t.match(p, { name: 'Unga 2kg', priceCents: 25_000, currency: 'KES', published: true, stock: 10 });
  t.match(p.id, /^[0-9a-f-]{36}$/);
  t.ok(Date.parse(p.createdAt));

  const defaults = await create(tenantA, { name: 'Draft', priceCents: 100, currency: 'KES' });
  t.equal(defaults.published, false, 'published defaults to false');
  t.equal(defaults.stock, null, 'stock defaults to unlimited');

  const got = await app.inject({ method: 'GET', url: `/v1/products/${p.id}`, headers: await viewer(tenantA) });
  t.equal(got.statusCode, 200, 'viewer may read');
  t.equal(got.json().id, p.id);

  const patched = await app.inject({ method: 'PATCH', url: `/v1/products/${p.id}`, headers: await owner(tenantA), payload: { name: 'Unga 2 kg', stock: null } });
  t.equal(patched.statusCode, 200);
  t.match(patched.json(), { name: 'Unga 2 kg', stock: null, priceCents: 25_000 });

  const viewerCreate = await app.inject({ method: 'POST', url: '/v1/products', headers: await viewer(tenantA), payload: { name: 'x', priceCents: 100, currency: 'KES' } });
  t.equal(viewerCreate.statusCode, 403, 'viewer cannot create');
  t.match(viewerCreate.headers['content-type'], /^application\/problem\+json/);
  const viewerPatch = await app.inject({ method: 'PATCH', url: `/v1/products/${p.id}`, headers: await viewer(tenantA), payload: { priceCents: 100 } });
  t.equal(viewerPatch.statusCode, 403, 'viewer cannot patch');

  const anon = await app.inject({ method: 'POST', url: '/v1/products', payload: { name: 'x', priceCents: 100, currency: 'KES' } });
  t.equal(anon.statusCode, 401, 'no principal: 401');
  const shopperList = await app.inject({ method: 'GET', url: '/v1/products', headers: await shopper(tenantA) });
  t.equal(shopperList.statusCode, 401, 'a shopper is not a signed-in user');

  const missing = await app.inject({ method: 'GET', url: `/v1/products/${randomUUID()}`, headers: await owner(tenantA) });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'CATALOG_PRODUCT_NOT_FOUND');
  const notUuid = await app.inject({ method: 'GET', url: '/v1/products/nope', headers: await owner(tenantA) });
  t.equal(notUuid.statusCode, 404);
});

t.test('strict bodies', async (t) => {
  const h = await owner(tenantA);
  const unknown = await app.inject({ method: 'POST', url: '/v1/products', headers: h, payload: { name: 'x', priceCents: 100, currency: 'KES', colour: 'red' } });
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().code, 'VALIDATION_FAILED');
  t.match(unknown.json().detail, /colour/, 'names the unknown field');
  t.match(unknown.json().errors, [{ field: 'body.colour' }]);

  const usd = await app.inject({ method: 'POST', url: '/v1/products', headers: h, payload: { name: 'x', priceCents: 100, currency: 'USD' } });
  t.equal(usd.statusCode, 400, 'only KES');
  t.match(usd.json().detail, /currency/);

  for (const bad of [{ priceCents: 0 }, { priceCents: 1.5 }, { priceCents: 150 }, { priceCents: 25_000_100 }, { priceCents: '100' }, { name: '' }, { name: 'x'.repeat(201) }, { stock: -1 }]) {
    const res = await app.inject({ method: 'POST', url: '/v1/products', headers: h, payload: { name: 'x', priceCents: 100, currency: 'KES', ...bad } });
    t.equal(res.statusCode, 400, `refuses ${JSON.stringify(bad).slice(0, 40)}`);
  }
  const p = await create(tenantA, { name: 'x', priceCents: 100, currency: 'KES' });
  const patchUnknown = await app.inject({ method: 'PATCH', url: `/v1/products/${p.id}`, headers: h, payload: { tenantId: tenantB } });
  t.equal(patchUnknown.statusCode, 400);
  t.match(patchUnknown.json().detail, /tenantId/);
  const badSort = await app.inject({ method: 'GET', url: '/v1/products?sort=name', headers: h });
  t.equal(badSort.statusCode, 400, 'sort only from the allow-list');
  const badLimit = await app.inject({ method: 'GET', url: '/v1/products?limit=101', headers: h });
  t.equal(badLimit.statusCode, 400);
  const badCursor = await app.inject({ method: 'GET', url: '/v1/products?cursor=abc', headers: h });
  t.equal(badCursor.statusCode, 400);
  t.equal(badCursor.json().code, 'CATALOG_INVALID_CURSOR');
});

t.test('keyset pagination and the storefront', async (t) => {
  const tenant = randomUUID();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await create(tenant, { name: `p${i}`, priceCents: 100 * (i + 1), currency: 'KES', published: i % 2 === 0 })).id);
  const h = await owner(tenant);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/v1/products?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await app.inject({ method: 'GET', url, headers: h });
    t.equal(res.statusCode, 200);
    const body = res.json() as { items: Array<{ id: string }>; nextCursor: string | null };
    t.ok(body.items.length <= 2);
    seen.push(...body.items.map((i) => i.id));
    cursor = body.nextCursor;
  } while (cursor);
  t.same(seen, [...ids].reverse(), 'newest first, every row once');

  const asc = await app.inject({ method: 'GET', url: '/v1/products?sort=createdAt&limit=100', headers: h });
  t.same(asc.json().items.map((i: { id: string }) => i.id), ids);
  const drafts = await app.inject({ method: 'GET', url: '/v1/products?published=false', headers: h });
  t.same(drafts.json().items.map((i: { id: string }) => i.id).sort(), [ids[1], ids[3]].sort());

  const store = await app.inject({ method: 'GET', url: '/v1/store/products?limit=2', headers: await shopper(tenant) });
  t.equal(store.statusCode, 200);
  const page1 = store.json();
  t.same(page1.items.map((i: { id: string }) => i.id), [ids[4], ids[2]]);
  t.same(Object.keys(page1.items[0]).sort(), ['currency', 'id', 'name', 'priceCents']);
  const store2 = await app.inject({ method: 'GET', url: `/v1/store/products?limit=2&cursor=${page1.nextCursor}`, headers: await shopper(tenant) });
  t.same(store2.json(), { items: [{ id: ids[0], name: 'p0', priceCents: 100, currency: 'KES' }], nextCursor: null });
  const storeDrafts = await app.inject({ method: 'GET', url: '/v1/store/products?published=false', headers: await shopper(tenant) });
  t.equal(storeDrafts.statusCode, 400, 'shoppers cannot ask for drafts');
  const noTenant = await app.inject({ method: 'GET', url: '/v1/store/products', headers: await principalHeaders(keystore, { kind: 'public', tid: '' }) });
  t.equal(noTenant.statusCode, 400);
  const unsigned = await app.inject({ method: 'GET', url: '/v1/store/products' });
  t.equal(unsigned.statusCode, 401);
});

t.test('tenant B cannot see tenant A', async (t) => {
  const a = await create(tenantA, { name: 'secret', priceCents: 500, currency: 'KES', published: true });
  const hb = await owner(tenantB);
  t.equal((await app.inject({ method: 'GET', url: `/v1/products/${a.id}`, headers: hb })).statusCode, 404);
  t.equal((await app.inject({ method: 'PATCH', url: `/v1/products/${a.id}`, headers: hb, payload: { priceCents: 100 } })).statusCode, 404);
  const list = await app.inject({ method: 'GET', url: '/v1/products?limit=100', headers: hb });
  t.notOk(list.json().items.some((i: { id: string }) => i.id === a.id));
  const store = await app.inject({ method: 'GET', url: '/v1/store/products?limit=100', headers: await shopper(tenantB) });
  t.notOk(store.json().items.some((i: { id: string }) => i.id === a.id));
  const q = await quote({ tenantId: tenantB, requestId: 'r', items: [{ productId: a.id, quantity: 1n }] });
  t.equal(q.errorCode, 'PRODUCT_NOT_FOUND', 'the quote is tenant-scoped too');
  const still = await app.inject({ method: 'GET', url: `/v1/products/${a.id}`, headers: await owner(tenantA) });
  t.equal(still.json().priceCents, 500, 'unchanged by B');
});

t.test('events reach EVENTS after commit', async (t) => {
  const tenant = randomUUID();
  const got: BusMessage[] = [];
  await bus.consume({ stream: 'EVENTS', durable: 'catalog-test', filter: `evt.catalog.product.*.${tenant}`, handler: async (m) => void got.push(m) });
  const sub = randomUUID();
  const h = await principalHeaders(keystore, { kind: 'user', tid: tenant, sub, role: 'staff' });
  const created = await app.inject({ method: 'POST', url: '/v1/products', headers: { ...h, 'x-request-id': 'req-catalog-0001' }, payload: { name: 'Sukari', priceCents: 15_000, currency: 'KES' } });
  const p = created.json();
  await app.inject({ method: 'PATCH', url: `/v1/products/${p.id}`, headers: h, payload: { name: 'Sukari 1kg' } });
  await app.inject({ method: 'PATCH', url: `/v1/products/${p.id}`, headers: h, payload: { priceCents: 16_000 } });
  await eventually(async () => got.length >= 2);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(got.length, 2, 'a name change emits nothing; a price change does');

  const [c, pc] = got;
  t.equal(c!.eventType, 'catalog.product.created');
  t.equal(c!.subject, `evt.catalog.product.created.${tenant}`);
  t.equal(c!.requestId, 'req-catalog-0001');
  const ce = decodeEvent('catalog.product.created', c!.data);
  t.equal(ce.meta?.eventId, c!.msgId, 'Nats-Msg-Id = event id');
  t.equal(ce.meta?.tenantId, tenant);
  t.equal(ce.productId, p.id);
  t.equal(ce.priceCents, 15_000n);
  t.equal(ce.stock, -1n, 'unlimited stock is -1 on the wire');

  t.equal(pc!.eventType, 'catalog.product.price_changed');
  const pe = decodeEvent('catalog.product.price_changed', pc!.data);
  t.equal(pe.oldPriceCents, 15_000n);
  t.equal(pe.newPriceCents, 16_000n);
  t.equal(pe.currency, 'KES');
  t.match(pe.meta?.actor, { kind: 'user', id: sub, role: 'staff' });
});

t.test('quote RPC', async (t) => {
  const tenant = randomUUID();
  const a = await create(tenant, { name: 'A', priceCents: 10_000, currency: 'KES', published: true });
  const b = await create(tenant, { name: 'B', priceCents: 2_500, currency: 'KES', published: true, stock: 3 });
  const draft = await create(tenant, { name: 'D', priceCents: 100, currency: 'KES', published: false });
  const req = (items: QuoteRequest['items'] | Array<{ productId: string; quantity: bigint }>) => quote({ tenantId: tenant, requestId: 'rq-1', items });

  const ok = await req([{ productId: a.id, quantity: 2n }, { productId: b.id, quantity: 3n }]);
  t.equal(ok.ok, true);
  t.equal(ok.totalCents, 27_500n);
  t.equal(ok.currency, 'KES');
  t.match(ok.lines, [
    { productId: a.id, name: 'A', quantity: 2n, unitPriceCents: 10_000n, lineTotalCents: 20_000n },
    { productId: b.id, name: 'B', quantity: 3n, unitPriceCents: 2_500n, lineTotalCents: 7_500n },
  ]);

  t.match(await req([{ productId: randomUUID(), quantity: 1n }]), { ok: false, errorCode: 'PRODUCT_NOT_FOUND' });
  t.match(await req([{ productId: 'not-a-uuid', quantity: 1n }]), { ok: false, errorCode: 'PRODUCT_NOT_FOUND' });
  t.match(await req([{ productId: draft.id, quantity: 1n }]), { ok: false, errorCode: 'PRODUCT_UNAVAILABLE' });
  t.match(await req([{ productId: b.id, quantity: 4n }]), { ok: false, errorCode: 'OUT_OF_STOCK' });
  t.match(await req([{ productId: b.id, quantity: 2n }, { productId: b.id, quantity: 2n }]), { ok: false, errorCode: 'OUT_OF_STOCK' }, 'repeated lines add up');
  t.match(await req([{ productId: a.id, quantity: 0n }]), { ok: false, errorCode: 'INVALID_QUANTITY' });
  t.match(await req([{ productId: a.id, quantity: 101n }]), { ok: false, errorCode: 'INVALID_QUANTITY' });
  t.match(await req([{ productId: a.id, quantity: -1n }]), { ok: false, errorCode: 'INVALID_QUANTITY' });
  t.match(await req([]), { ok: false, errorCode: 'INVALID_REQUEST' });
  t.match(await quote({ tenantId: 'nope', requestId: 'x', items: [{ productId: a.id, quantity: 1n }] }), { ok: false, errorCode: 'INVALID_REQUEST' });
  const garbage = await bus.nc.request(bus.subject(CATALOG_QUOTE_SUBJECT), new Uint8Array([0xff, 0xff, 0xff]), { timeout: 5_000 });
  t.match(decodeMessage(catalogQuote.reply, garbage.data), { ok: false, errorCode: 'INVALID_REQUEST' }, 'undecodable bytes get an answer');
});
