import t from 'tap';
import { randomUUID } from 'node:crypto';
import { Bus, destroyNamespace, OutboxRelay, PermanentFailure, type BusMessage } from '@duka/bus';
import { createDbPool, enqueue, sql, withTenant } from '@duka/db';
import { createLogger } from '@duka/log';
import { databaseUrl, eventually, testInfra, testNamespace } from '@duka/testkit';
import { z } from 'zod';

const logger = createLogger({ service: 'bus-test', level: 'silent' });
const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'bus-test', namespace: testNamespace(), logger });
await bus.ensureStreams();
t.teardown(async () => {
  await bus.close().catch(() => {});
  const cleaner = await Bus.connect({ servers: testInfra.natsUrl, name: 'bus-clean', namespace: bus.namespace, logger });
  await destroyNamespace(cleaner);
  await cleaner.close();
});
const tenant = randomUUID();
const bytes = (s: string) => new TextEncoder().encode(s);

t.test('streams are declared idempotently under the namespace', async (t) => {
  await bus.ensureStreams();
  const info = await bus.jsm.streams.info(bus.streamName('EVENTS'));
  t.same(info.config.subjects, [`${bus.namespace}.evt.>`]);
  t.equal(bus.logical(`${bus.namespace}.evt.a.b`), 'evt.a.b');
});

t.test('a message is delivered once with its headers; a duplicate id is dropped', async (t) => {
  const got: BusMessage[] = [];
  await bus.consume({ stream: 'EVENTS', durable: 'once', filter: 'evt.test.once.>', handler: async (m) => void got.push(m) });
  const id = randomUUID();
  const meta = { msgId: id, tenantId: tenant, eventType: 'test.once', requestId: 'req-12345678' };
  t.equal((await bus.publish(`evt.test.once.${tenant}`, bytes('a'), meta)).duplicate, false);
  t.equal((await bus.publish(`evt.test.once.${tenant}`, bytes('a'), meta)).duplicate, true);
  await eventually(async () => got.length === 1);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(got.length, 1);
  t.equal(got[0]!.subject, `evt.test.once.${tenant}`);
  t.equal(got[0]!.tenantId, tenant);
  t.equal(got[0]!.requestId, 'req-12345678');
  t.equal(got[0]!.msgId, id);
});

t.test('a failing handler is retried, then the message goes to the DLQ', async (t) => {
  let attempts = 0;
  await bus.consume({
    stream: 'EVENTS', durable: 'fails', filter: 'evt.test.fail.>', maxDeliver: 3, backoffMs: [50],
    handler: async () => { attempts++; throw new Error('boom'); },
  });
  const dead: BusMessage[] = [];
  await bus.consume({ stream: 'DLQ', durable: 'dlq-reader', filter: 'dlq.EVENTS.fails', handler: async (m) => void dead.push(m) });
  await bus.publish(`evt.test.fail.${tenant}`, bytes('x'), { msgId: randomUUID(), tenantId: tenant, eventType: 'test.fail' });
  await eventually(async () => dead.length === 1);
  t.equal(attempts, 3, 'bounded redelivery');
  t.equal(dead[0]!.headers?.get('Duka-Original-Subject'), `evt.test.fail.${tenant}`);
  t.match(dead[0]!.headers?.get('Duka-Error'), /boom/);
  t.equal(new TextDecoder().decode(dead[0]!.data), 'x');
});

t.test('a permanent failure goes to the DLQ without retries', async (t) => {
  let attempts = 0;
  await bus.consume({
    stream: 'EVENTS', durable: 'poison', filter: 'evt.test.poison.>', maxDeliver: 5, backoffMs: [50],
    handler: async () => { attempts++; throw new PermanentFailure('cannot decode'); },
  });
  const dead: BusMessage[] = [];
  await bus.consume({ stream: 'DLQ', durable: 'dlq-poison', filter: 'dlq.EVENTS.poison', handler: async (m) => void dead.push(m) });
  await bus.publish(`evt.test.poison.${tenant}`, bytes('?'), { msgId: randomUUID(), tenantId: tenant, eventType: 'test.poison' });
  await eventually(async () => dead.length === 1);
  t.equal(attempts, 1);
});

t.test('the outbox relay publishes committed rows with Nats-Msg-Id = outbox id, and the sweep catches stragglers', async (t) => {
  const pool = await createDbPool(databaseUrl('catalog'));
  t.teardown(() => pool.end());
  const relay = new OutboxRelay({ bus, pool, schema: 'catalog', logger, sweepMs: 200 });
  const got: BusMessage[] = [];
  await bus.consume({ stream: 'EVENTS', durable: 'relay', filter: 'evt.test.relay.>', handler: async (m) => void got.push(m) });
  const write = () => withTenant(pool, tenant, (tx) => enqueue(tx, 'catalog', { tenantId: tenant, subject: `evt.test.relay.${tenant}`, eventType: 'test.relay', payload: bytes('r') }));
  const now = await write();
  await relay.publish(tenant, [now]);
  await eventually(async () => got.length === 1);
  t.equal(got[0]!.msgId, now);
  const later = await write(); // never published directly: the sweep must find it
  relay.start();
  await eventually(async () => got.some((m) => m.msgId === later), 10_000);
  await relay.stop();
  const unpublished = await withTenant(pool, tenant, (tx) =>
    tx.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*) as n from catalog.outbox where published_at is null and subject like 'evt.test.relay.%'`));
  t.equal(unpublished, 0);
});

t.test('KV buckets are namespaced', async (t) => {
  const kv = await bus.kv('tenant_hosts');
  await kv.put('shop.duka.localhost', tenant);
  t.equal((await kv.get('shop.duka.localhost'))?.string(), tenant);
  const status = await kv.status();
  t.equal(status.bucket, `${bus.namespace}_tenant_hosts`);
});
