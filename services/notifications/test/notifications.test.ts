import t from 'tap';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Bus, destroyNamespace, OutboxRelay, type BusMessage } from '@duka/bus';
import { decodeEvent, encodeEvent, encodeMessage, eventSubject, events, notificationSend, notificationSendSubject } from '@duka/contracts';
import { createDbPool, sql, withTenant } from '@duka/db';
import { createLogger } from '@duka/log';
import { adminDatabaseUrl, databaseUrl, eventually, principalHeaders, testInfra, testKeystore, testNamespace } from '@duka/testkit';
import { z } from 'zod';
import { AdapterSet, LogDeliveryAdapter, type DeliveryAdapter, type OutgoingMessage } from '../src/adapters/index.js';
import { buildApp } from '../src/app.js';
import { deliver, RetryLater, type DeliverDeps } from '../src/consumers/deliver.js';
import { handlePaymentSucceeded, startPaymentsConsumer } from '../src/consumers/payments.consumer.js';
import { startSendConsumer } from '../src/consumers/send.consumer.js';
import type { SendResult } from '../src/domain/delivery.js';

const logLines: string[] = [];
const logger = createLogger({ service: 'notifications-test', level: 'debug', destination: { write: (s: string) => void logLines.push(s) } });
const { keystore } = testKeystore();
const pool = await createDbPool(databaseUrl('notifications'), { applicationName: 'notifications-test' });
const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'notifications-test', namespace: testNamespace(), logger });
await bus.ensureStreams();
const relay = new OutboxRelay({ bus, pool, schema: 'notifications', logger, sweepMs: 200 });
relay.start();
const log = new LogDeliveryAdapter(logger);
const deps: DeliverDeps = { pool, keystore, adapters: new AdapterSet(log, new Map([['log', log]])), relay, logger };
const app = await buildApp({ logger, pool, bus, principalKey: await keystore.namedKey('internal-principal') });
await startPaymentsConsumer(bus, deps, 3);
await startSendConsumer(bus, deps, 3);
const recorded: BusMessage[] = [];
await bus.consume({
  stream: 'EVENTS',
  durable: 'test-recorded',
  filter: events['notifications.delivery.recorded'].filter,
  handler: async (m) => void recorded.push(m),
});
const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
await admin.connect();

t.teardown(async () => {
  await app.close();
  await bus.close().catch(() => {});
  await relay.stop();
  const cleaner = await Bus.connect({ servers: testInfra.natsUrl, name: 'notifications-clean', namespace: bus.namespace, logger });
  await destroyNamespace(cleaner);
  await cleaner.close();
  await pool.end();
  await admin.end();
});

const phone = '+254712345678';
const tenantA = randomUUID();
const tenantB = randomUUID();

const deliveryRow = z.object({
  id: z.string(),
  event_id: z.string(),
  payment_id: z.string().nullable(),
  channel: z.string(),
  template: z.string(),
  recipient_ciphertext: z.string(),
  recipient_masked: z.string(),
  body: z.string(),
  status: z.string(),
  error: z.string().nullable(),
  attempts: z.number(),
});
const rows = (tenant: string) =>
  withTenant(pool, tenant, (tx) =>
    tx.any(sql.type(deliveryRow)`select id, event_id, payment_id, channel, template, recipient_ciphertext, recipient_masked,
      body, status, error, attempts from notifications.deliveries order by created_at, id`),
  );

async function paymentSucceeded(tenantId: string, o: { eventId?: string; msgId?: string; phone?: string; amountCents?: bigint } = {}) {
  const eventId = o.eventId ?? randomUUID();
  const paymentId = randomUUID();
  const orderId = randomUUID();
  const type = 'payments.payment.succeeded' as const;
  const data = encodeEvent(type, {
    meta: { eventId, tenantId, occurredAtMs: BigInt(Date.now()), requestId: 'req-' + eventId.slice(0, 8), actor: { kind: 'mpesa', id: '174379' } },
    paymentId,
    orderId,
    amountCents: o.amountCents ?? 150000n,
    currency: 'KES',
    receiptMasked: '••••••AB12',
    phoneCiphertext: await keystore.encrypt(tenantId, o.phone ?? phone),
  });
  await bus.publish(eventSubject(type, tenantId), data, { msgId: o.msgId ?? eventId, tenantId, eventType: type });
  return { eventId, paymentId, orderId, data };
}

t.test('a payment.succeeded event produces one delivery, masked, with no phone number in body or logs', async (t) => {
  const { eventId, paymentId, orderId } = await paymentSucceeded(tenantA);
  const [row] = await eventually(async () => {
    const r = await rows(tenantA);
    return r.length === 1 && r[0]!.status === 'sent' ? r : undefined;
  });
  t.match(row, { event_id: eventId, payment_id: paymentId, channel: 'log', template: 'payment.receipt', status: 'sent', attempts: 1, error: null });
  t.equal(row!.body, `Payment of KES 1,500 received for order ${orderId}. Receipt ••••••AB12. Thank you!`);
  t.equal(row!.recipient_masked, '+254••••••678');
  t.not(row!.recipient_ciphertext, phone);
  t.equal(await keystore.decrypt(tenantA, row!.recipient_ciphertext), phone, 'recipient kept encrypted with the tenant key');
  for (const needle of [phone, '712345678', '0712345678']) {
    t.notOk(row!.body.includes(needle), `body has no ${needle}`);
    t.notOk(logLines.some((l) => l.includes(needle)), `logs have no ${needle}`);
  }
  t.ok(logLines.some((l) => l.includes(row!.id)), 'the log adapter recorded the delivery by id');

  const evt = await eventually(async () => recorded.find((m) => m.tenantId === tenantA));
  const body = decodeEvent('notifications.delivery.recorded', evt.data);
  t.match(body, { deliveryId: row!.id, channel: 'log', template: 'payment.receipt', status: 'sent' });
  t.equal(body.meta?.tenantId, tenantA);
});

t.test('a redelivered event makes no second delivery', async (t) => {
  const tenant = randomUUID();
  const first = await paymentSucceeded(tenant);
  await eventually(async () => (await rows(tenant))[0]?.status === 'sent');
  // The same event again past JetStream's dedupe (a new Nats-Msg-Id), and straight into the handler.
  await paymentSucceeded(tenant, { eventId: first.eventId, msgId: randomUUID() });
  const subject = eventSubject('payments.payment.succeeded', tenant);
  await handlePaymentSucceeded(deps, { subject, data: first.data, msgId: first.eventId, tenantId: tenant, eventType: '', requestId: '', deliveryCount: 2, headers: undefined }, 3);
  const marker = await paymentSucceeded(tenant);
  await eventually(async () => (await rows(tenant)).some((r) => r.event_id === marker.eventId && r.status === 'sent'));
  const all = await rows(tenant);
  t.equal(all.length, 2, 'one delivery per event id');
  t.equal(all.find((r) => r.event_id === first.eventId)!.attempts, 1, 'not sent again');
});

t.test("a tenant's template overrides the default", async (t) => {
  const tenant = randomUUID();
  await admin.query(`insert into notifications.templates (tenant_id, key, channel, body) values ($1, 'payment.receipt', 'any', $2)`, [
    tenant,
    'Asante! KES {amount} for {orderRef} ({receipt}). {unknown}Karibu tena.',
  ]);
  const { orderId } = await paymentSucceeded(tenant, { amountCents: 99950n });
  const [row] = await eventually(async () => {
    const r = await rows(tenant);
    return r[0]?.status === 'sent' ? r : undefined;
  });
  t.equal(row!.body, `Asante! KES 999.50 for ${orderId} (••••••AB12). Karibu tena.`);
});

t.test('deliveries are listed per tenant, newest first, for owner and staff only', async (t) => {
  for (let i = 0; i < 2; i++) await paymentSucceeded(tenantA);
  await paymentSucceeded(tenantB);
  await eventually(async () => (await rows(tenantA)).filter((r) => r.status === 'sent').length === 3);
  await eventually(async () => (await rows(tenantB)).length === 1);
  const get = async (tenant: string, role: 'owner' | 'staff' | 'viewer', query = '') =>
    app.inject({
      method: 'GET',
      url: '/v1/notifications/deliveries' + query,
      headers: await principalHeaders(keystore, { kind: 'user', tid: tenant, sub: randomUUID(), role }),
    });
  const a = (await get(tenantA, 'owner')).json() as { items: Array<Record<string, unknown>>; nextCursor: string | null };
  t.equal(a.items.length, 3);
  t.same(a.items.map((i) => i.id), (await rows(tenantA)).map((r) => r.id).reverse(), 'newest first');
  t.match(a.items[0], { channel: 'log', template: 'payment.receipt', recipient: '+254••••••678', status: 'sent', paymentId: String });
  t.type(a.items[0]!.createdAt, 'string');
  t.notOk(JSON.stringify(a).includes('712345678'));
  t.equal(a.nextCursor, null);

  const b = (await get(tenantB, 'staff')).json() as { items: Array<{ id: string }> };
  t.equal(b.items.length, 1, "tenant B sees only its own delivery");
  t.notOk(a.items.some((i) => i.id === b.items[0]!.id));

  const p1 = (await get(tenantA, 'owner', '?limit=2')).json() as { items: Array<{ id: string }>; nextCursor: string };
  t.equal(p1.items.length, 2);
  const p2 = (await get(tenantA, 'owner', `?limit=2&cursor=${p1.nextCursor}`)).json() as { items: Array<{ id: string }>; nextCursor: null };
  t.same([...p1.items, ...p2.items].map((i) => i.id), a.items.map((i) => i.id), 'keyset pages cover the list once');
  t.equal(p2.nextCursor, null);

  t.equal((await get(tenantA, 'viewer')).statusCode, 403);
  t.equal((await get(tenantA, 'owner', '?limit=500')).statusCode, 400);
  t.equal((await get(tenantA, 'owner', '?cursor=xyz')).statusCode, 400);
  t.equal((await app.inject({ method: 'GET', url: '/v1/notifications/deliveries' })).statusCode, 401);
});

t.test('cmd.notifications.send delivers a template and stores secret codes masked', async (t) => {
  const tenant = randomUUID();
  const commandId = randomUUID();
  const data = encodeMessage(notificationSend.schema, {
    meta: { eventId: commandId, tenantId: tenant, requestId: 'req-otp-12345' },
    channel: 'sms',
    template: 'auth.otp',
    recipientCiphertext: await keystore.encrypt(tenant, phone),
    vars: { code: '482913', minutes: '5' },
  });
  await bus.publish(notificationSendSubject(tenant), data, { msgId: commandId, tenantId: tenant, eventType: notificationSend.type });
  const [row] = await eventually(async () => {
    const r = await rows(tenant);
    return r[0]?.status === 'sent' ? r : undefined;
  });
  t.equal(row!.channel, 'log', 'sms is not configured here: the default channel serves it');
  t.equal(row!.body, 'Your Duka code is ••••. It expires in 5 minutes. Never share it.');
  t.notOk(logLines.some((l) => l.includes('482913')), 'the code is not logged');
});

class ScriptedAdapter implements DeliveryAdapter {
  readonly channel = 'log' as const;
  readonly sent: OutgoingMessage[] = [];
  constructor(private readonly results: SendResult[]) {}
  async send(m: OutgoingMessage): Promise<SendResult> {
    this.sent.push(m);
    return this.results.shift() ?? { ok: true };
  }
}

t.test('a retryable failure is recorded and retried; the last attempt records failed', async (t) => {
  const tenant = randomUUID();
  const adapter = new ScriptedAdapter([
    { ok: false, error: 'sms: HTTP 503', retryable: true },
    { ok: false, error: 'sms: HTTP 503', retryable: true },
  ]);
  const d: DeliverDeps = { ...deps, adapters: new AdapterSet(adapter, new Map([['log', adapter]])) };
  const req = {
    tenantId: tenant,
    eventId: randomUUID(),
    requestId: 'req-retry-1',
    paymentId: null,
    template: 'auth.otp',
    vars: { code: '111222', minutes: '5' },
    recipientCiphertext: await keystore.encrypt(tenant, phone),
    lastAttempt: false,
  };
  await t.rejects(deliver(d, req), RetryLater);
  t.match((await rows(tenant))[0], { status: 'retrying', attempts: 1, error: 'sms: HTTP 503' });
  const final = await deliver(d, { ...req, lastAttempt: true });
  t.match(final, { status: 'failed', attempts: 2 });
  t.equal(adapter.sent.length, 2);
  t.equal(adapter.sent[0]!.to, phone, 'the adapter gets the decrypted number');
  t.equal(adapter.sent[0]!.text, 'Your Duka code is 111222. It expires in 5 minutes. Never share it.');
  const again = await deliver(d, req);
  t.equal(again.status, 'failed', 'a final delivery is not sent again');
  t.equal(adapter.sent.length, 2);
  await eventually(async () => recorded.some((m) => m.tenantId === tenant));
});

t.test('an unreadable recipient is recorded as failed once, without retries', async (t) => {
  const tenant = randomUUID();
  const adapter = new ScriptedAdapter([]);
  const d: DeliverDeps = { ...deps, adapters: new AdapterSet(adapter, new Map([['log', adapter]])) };
  const req = {
    tenantId: tenant,
    eventId: randomUUID(),
    requestId: 'req-bad-1',
    paymentId: null,
    template: 'payment.receipt',
    vars: { amount: '10', orderRef: 'X', receipt: '••1' },
    // encrypted for another tenant: the tenant key cannot open it
    recipientCiphertext: await keystore.encrypt(randomUUID(), phone),
    lastAttempt: false,
  };
  const row = await deliver(d, req);
  t.match(row, { status: 'failed', error: 'RECIPIENT_UNREADABLE', attempts: 0, recipient_masked: '•••' });
  await deliver(d, req);
  t.equal((await rows(tenant)).length, 1);
  t.equal(adapter.sent.length, 0);
});
