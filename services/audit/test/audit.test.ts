import t from 'tap';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Bus, destroyNamespace } from '@duka/bus';
import { encodeEvent, eventSubject, type EventInit, type EventType } from '@duka/contracts';
import { createDbPool, sql, withTenant } from '@duka/db';
import { createLogger } from '@duka/log';
import { adminDatabaseUrl, databaseUrl, eventually, principalHeaders, testInfra, testKeystore, testNamespace } from '@duka/testkit';
import { z } from 'zod';
import { buildApp } from '../src/app.js';
import { startAuditConsumer } from '../src/consumers/events.consumer.js';

const logger = createLogger({ service: 'audit-test', level: 'silent' });
const { keystore } = testKeystore();
const pool = await createDbPool(databaseUrl('audit'), { applicationName: 'audit-test' });
const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'audit-test', namespace: testNamespace(), logger });
await bus.ensureStreams();
const app = await buildApp({ logger, pool, bus, principalKey: await keystore.namedKey('internal-principal') });
await startAuditConsumer({ bus, pool, logger });
const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
await admin.connect();

t.teardown(async () => {
  await app.close();
  await bus.close().catch(() => {});
  const cleaner = await Bus.connect({ servers: testInfra.natsUrl, name: 'audit-clean', namespace: bus.namespace, logger });
  await destroyNamespace(cleaner);
  await cleaner.close();
  await pool.end();
  await admin.end();
});

const tenantA = randomUUID();
const tenantB = randomUUID();
const ownerA = randomUUID();

async function publish<T extends EventType>(type: T, tenantId: string, body: Omit<EventInit<T>, 'meta'>, meta: Record<string, unknown> = {}, msgId?: string) {
  const eventId = (meta.eventId as string | undefined) ?? randomUUID();
  const bytes = encodeEvent(type, {
    ...body,
    meta: {
      eventId,
      tenantId,
      occurredAtMs: BigInt(Date.now()),
      requestId: 'req-' + eventId.slice(0, 8),
      actor: { kind: 'user', id: ownerA, role: 'owner' },
      sourceIp: '203.0.113.9',
      ...meta,
    },
  } as EventInit<T>);
  await bus.publish(eventSubject(type, tenantId), bytes, { msgId: msgId ?? eventId, tenantId, eventType: type });
  return eventId;
}

const as = (tenant: string, role: 'owner' | 'staff' | 'viewer') =>
  principalHeaders(keystore, { kind: 'user', tid: tenant, sub: randomUUID(), role });

async function count(tenant: string): Promise<number> {
  return withTenant(pool, tenant, (tx) => tx.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from audit.entries`));
}

async function list(tenant: string, query = '') {
  const res = await app.inject({ method: 'GET', url: '/v1/audit' + query, headers: await as(tenant, 'owner') });
  return { status: res.statusCode, body: res.json() as { items: Array<Record<string, unknown>>; nextCursor: string | null } };
}

const productId = randomUUID();
const paymentId = randomUUID();

t.test('events land as entries with action, actor, target and no personal data', async (t) => {
  await publish('catalog.product.created', tenantA, { productId, name: 'Chai', priceCents: 15000n, currency: 'KES', published: true, stock: 3n });
  await publish('catalog.product.price_changed', tenantA, { productId, oldPriceCents: 15000n, newPriceCents: 20000n, currency: 'KES' });
  await publish(
    'payments.payment.succeeded',
    tenantA,
    { paymentId, orderId: randomUUID(), amountCents: 20000n, currency: 'KES', receiptMasked: '••••••AB12', phoneCiphertext: 'secret-ciphertext-xyz' },
    { actor: { kind: 'mpesa', id: '174379', role: '' }, sourceIp: '' },
  );
  await eventually(async () => (await count(tenantA)) === 3);
  const { status, body } = await list(tenantA);
  t.equal(status, 200);
  t.same(body.items.map((i) => i.action), ['payments.payment.succeeded', 'catalog.product.price_changed', 'catalog.product.created'], 'newest first');
  const [paid, price] = body.items;
  t.match(paid, { actor: { kind: 'mpesa', id: '174379', role: '' }, target: { type: 'payment', id: paymentId } });
  t.match(paid!.data, { paymentId, amountCents: '20000', receiptMasked: '••••••AB12' });
  t.notOk(JSON.stringify(body).includes('secret-ciphertext-xyz'), 'phone ciphertext is not in the audit log');
  t.notOk('phoneCiphertext' in (paid!.data as object));
  t.match(price, { actor: { kind: 'user', id: ownerA, role: 'owner' }, target: { type: 'product', id: productId } });
  t.match(price!.data, { oldPriceCents: '15000', newPriceCents: '20000' });
  t.type(price!.at, 'string');
  t.match(price!.requestId, /^req-/);
  t.equal(body.nextCursor, null);
});

t.test('a redelivered event (same event id) adds nothing', async (t) => {
  const before = await count(tenantA);
  const eventId = await publish('identity.user.logged_in', tenantA, { userId: ownerA, sessionId: randomUUID(), amr: ['pwd'] });
  await eventually(async () => (await count(tenantA)) === before + 1);
  // A new Nats-Msg-Id gets past JetStream's dedupe window, as a late relay retry would.
  await publish('identity.user.logged_in', tenantA, { userId: ownerA, sessionId: randomUUID(), amr: ['pwd'] }, { eventId }, randomUUID());
  const marker = await publish('identity.sessions.revoked', tenantA, { userId: '', notBeforeMs: 1n });
  await eventually(async () => (await list(tenantA)).body.items[0]?.id === marker);
  t.equal(await count(tenantA), before + 2, 'the duplicate was not recorded');
});

t.test('keyset pagination and the action filter', async (t) => {
  const all = (await list(tenantA, '?limit=100')).body.items;
  const first = await list(tenantA, '?limit=2');
  t.equal(first.body.items.length, 2);
  t.type(first.body.nextCursor, 'string');
  const second = await list(tenantA, `?limit=2&cursor=${first.body.nextCursor}`);
  t.same([...first.body.items, ...second.body.items].map((i) => i.id), all.slice(0, 4).map((i) => i.id));
  const filtered = await list(tenantA, '?action=catalog.product.created');
  t.same(filtered.body.items.map((i) => i.action), ['catalog.product.created']);
  t.equal((await list(tenantA, '?action=drop.table.users')).status, 400, 'action outside the allow-list');
  t.equal((await list(tenantA, '?limit=0')).status, 400);
  t.equal((await list(tenantA, '?limit=101')).status, 400);
  t.equal((await list(tenantA, '?cursor=bm9wZQ')).status, 400);
});

t.test('the chain verifies', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/audit/verify', headers: await as(tenantA, 'owner') });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { ok: true, entries: await count(tenantA) });
});

t.test('duka_audit cannot UPDATE or DELETE entries', async (t) => {
  await withTenant(pool, tenantA, async (tx) => {
    await t.rejects(tx.query(sql.unsafe`update audit.entries set action = 'x'`), /permission denied/);
  });
  await withTenant(pool, tenantA, async (tx) => {
    await t.rejects(tx.query(sql.unsafe`delete from audit.entries`), /permission denied/);
  });
  await t.rejects(admin.query('delete from audit.entries where tenant_id = $1', [tenantA]), /append-only/, 'the trigger refuses even the superuser');
  t.equal(await count(tenantA), (await list(tenantA, '?limit=100')).body.items.length);
});

t.test('tampering is detected by verify', async (t) => {
  const tenant = randomUUID();
  for (let i = 0; i < 3; i++) await publish('catalog.product.created', tenant, { productId: randomUUID(), name: `p${i}`, priceCents: 100n, currency: 'KES' });
  await eventually(async () => (await count(tenant)) === 3);
  const verify = async () => (await app.inject({ method: 'GET', url: '/v1/audit/verify', headers: await as(tenant, 'owner') })).json();
  t.same(await verify(), { ok: true, entries: 3 });
  // As a superuser with triggers off for this transaction only: rewrite entry 2's data.
  await admin.query('begin');
  await admin.query('set local session_replication_role = replica');
  await admin.query(`update audit.entries set data = jsonb_set(data, '{priceCents}', '"1"') where tenant_id = $1 and seq = 2`, [tenant]);
  await admin.query('commit');
  t.match(await verify(), { ok: false, entries: 3, brokenAt: 2 });
});

t.test('deleting an entry is detected by verify', async (t) => {
  const tenant = randomUUID();
  for (let i = 0; i < 3; i++) await publish('catalog.product.created', tenant, { productId: randomUUID(), name: `p${i}`, priceCents: 100n, currency: 'KES' });
  await eventually(async () => (await count(tenant)) === 3);
  await admin.query('begin');
  await admin.query('set local session_replication_role = replica');
  await admin.query('delete from audit.entries where tenant_id = $1 and seq = 2', [tenant]);
  await admin.query('commit');
  const res = await app.inject({ method: 'GET', url: '/v1/audit/verify', headers: await as(tenant, 'owner') });
  t.match(res.json(), { ok: false, entries: 2, brokenAt: 3 });
});

t.test("tenant B sees none of tenant A's entries", async (t) => {
  await publish('catalog.product.created', tenantB, { productId: randomUUID(), name: 'B', priceCents: 100n, currency: 'KES' });
  await eventually(async () => (await count(tenantB)) === 1);
  const { body } = await list(tenantB, '?limit=100');
  t.equal(body.items.length, 1);
  t.equal(body.items[0]!.action, 'catalog.product.created');
  const verify = await app.inject({ method: 'GET', url: '/v1/audit/verify', headers: await as(tenantB, 'owner') });
  t.same(verify.json(), { ok: true, entries: 1 });
});

t.test('only owners may read the audit log', async (t) => {
  for (const role of ['staff', 'viewer'] as const) {
    for (const url of ['/v1/audit', '/v1/audit/verify']) {
      const res = await app.inject({ method: 'GET', url, headers: await as(tenantA, role) });
      t.equal(res.statusCode, 403, `${role} ${url}`);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    }
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/audit' })).statusCode, 401, 'unsigned request');
  const shopper = await principalHeaders(keystore, { kind: 'public', tid: tenantA });
  t.equal((await app.inject({ method: 'GET', url: '/v1/audit', headers: shopper })).statusCode, 401);
  t.equal((await list(tenantA)).status, 200);
});

t.test('an event type this build does not know is recorded from its headers', async (t) => {
  const tenant = randomUUID();
  const id = randomUUID();
  await bus.publish(`evt.shipping.parcel.sent.${tenant}`, new Uint8Array([1, 2, 3]), { msgId: id, tenantId: tenant, eventType: 'shipping.parcel.sent' });
  await eventually(async () => (await count(tenant)) === 1);
  const row = await withTenant(pool, tenant, (tx) =>
    tx.one(sql.type(z.object({ action: z.string(), event_id: z.string(), data: z.unknown() }))`select action, event_id, data from audit.entries`),
  );
  t.same(row, { action: 'shipping.parcel.sent', event_id: id, data: { undecoded: true, bodyBytes: 3 } });
});
