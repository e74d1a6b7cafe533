import t from 'tap';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { Bus, OutboxRelay, destroyNamespace, type BusMessage } from '@duka/bus';
import { decodeMessage, mpesaCallback } from '@duka/contracts';
import { createDbPool } from '@duka/db';
import { createLogger } from '@duka/log';
import { adminDatabaseUrl, databaseUrl, eventually, testInfra, testKeystore, testNamespace } from '@duka/testkit';
import { buildApp } from '../src/app.js';
import { defaultAllowedIps } from '../src/config.js';
import { parseAllowList } from '../src/domain/allow-list.js';
import { callbackToken, kindCallbackToken } from '../src/domain/callback-token.js';

const caseFile = (name: string) => readFileSync(new URL(`../../../../shared/cases/mpesa/${name}`, import.meta.url));
const success = caseFile('stk-callback-success.json');

const logLines: string[] = [];
const logger = createLogger({ service: 'webhook-ingest', channel: 'webhooks', level: 'info', destination: { write: (s: string) => void logLines.push(s) } });
const { keystore } = testKeystore();
const callbackKey = await keystore.namedKey('mpesa-callback');
const pool = await createDbPool(databaseUrl('webhook-ingest'), { applicationName: 'webhook-ingest-test' });
const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'webhook-ingest-test', namespace: testNamespace(), logger });
await bus.ensureStreams();
const relay = new OutboxRelay({ bus, pool, schema: 'webhooks', logger, sweepMs: 200 });
relay.start();
const app = await buildApp({ logger, pool, bus, relay, allowList: parseAllowList(defaultAllowedIps), callbackKey });
const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
await admin.connect();

t.teardown(async () => {
  await app.close();
  await relay.stop();
  await destroyNamespace(bus);
  await bus.close();
  await pool.end();
  await admin.end();
});

const received: BusMessage[] = [];
await bus.consume({ stream: 'MPESA', durable: 'webhook-ingest-test', filter: 'mpesa.>', handler: async (m) => void received.push(m) });

function urlFor(tenantId: string, intentId: string, token = callbackToken(callbackKey, tenantId, intentId)) {
  return `/mpesa/stk/${tenantId}/${intentId}/${token}`;
}

function post(url: string, body: string | Buffer, extra: { remoteAddress?: string; contentType?: string } = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': extra.contentType ?? 'application/json' },
    payload: body,
    ...(extra.remoteAddress ? { remoteAddress: extra.remoteAddress } : {}),
  });
}

async function stored(tenantId: string) {
  const rows = await admin.query(
    'select id, kind, intent_id, checkout_request_id_hash, dedupe_key, raw_body, source_ip::text as source_ip from webhooks.callbacks where tenant_id = $1',
    [tenantId],
  );
  const outbox = await admin.query('select id, subject, event_type from webhooks.outbox where tenant_id = $1', [tenantId]);
  return { rows: rows.rows, outbox: outbox.rows };
}

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

t.test('a success callback is stored once, answered exactly, and reaches MPESA', async (t) => {
  const tenant = randomUUID();
  const intent = randomUUID();
  const res = await post(urlFor(tenant, intent), success);
  t.equal(res.statusCode, 200);
  t.equal(res.body, '{"ResultCode":0,"ResultDesc":"Accepted"}');
  t.match(res.headers['content-type'], /^application\/json/);

  const { rows, outbox } = await stored(tenant);
  t.equal(rows.length, 1);
  const row = rows[0];
  t.equal(row.kind, 'stk');
  t.equal(row.intent_id, intent);
  t.ok(Buffer.compare(row.raw_body, success) === 0, 'raw body kept byte for byte');
  t.equal(row.dedupe_key, sha256(success));
  t.equal(row.checkout_request_id_hash, sha256('ws_CO_191220191020363925'), 'CheckoutRequestID stored hashed');
  t.equal(row.source_ip, '127.0.0.1/32');
  t.match(outbox, [{ id: row.id, subject: `mpesa.stk.${tenant}`, event_type: 'mpesa.stk.callback' }]);

  const msg = await eventually(async () => received.find((m) => m.tenantId === tenant));
  t.equal(msg.subject, `mpesa.stk.${tenant}`);
  t.equal(msg.msgId, row.id, 'Nats-Msg-Id = callback row id');
  t.equal(msg.eventType, 'mpesa.stk.callback');
  t.equal(msg.requestId, res.headers['x-request-id']);
  const cb = decodeMessage(mpesaCallback.schema, msg.data);
  t.equal(cb.inboxId, row.id);
  t.equal(cb.tenantId, tenant);
  t.equal(cb.kind, 'stk');
  t.equal(cb.intentId, intent);
  t.ok(cb.receivedAtMs > 0n);
  t.ok(Buffer.compare(Buffer.from(cb.rawBody), success) === 0, 'CallbackReceived carries the raw bytes');
  t.equal(cb.requestId, res.headers['x-request-id']);
});

t.test('the same body twice: one row, one stream message, the same answer', async (t) => {
  const tenant = randomUUID();
  const intent = randomUUID();
  const first = await post(urlFor(tenant, intent), success);
  const second = await post(urlFor(tenant, intent), success);
  t.equal(first.statusCode, 200);
  t.equal(second.statusCode, 200);
  t.equal(second.body, first.body);
  const { rows, outbox } = await stored(tenant);
  t.equal(rows.length, 1);
  t.equal(outbox.length, 1);
  await eventually(async () => received.some((m) => m.tenantId === tenant));
  await new Promise((r) => setTimeout(r, 500)); // room for a wrong second message to show up
  t.equal(received.filter((m) => m.tenantId === tenant).length, 1);

  // A different body (another CheckoutRequestID) is a different callback.
  const other = Buffer.from(success.toString('utf8').replace('ws_CO_191220191020363925', 'ws_CO_191220191020369999'));
  t.equal((await post(urlFor(tenant, intent), other)).statusCode, 200);
  t.equal((await stored(tenant)).rows.length, 2);
});

t.test('a wrong token is refused and nothing is stored', async (t) => {
  const tenant = randomUUID();
  const intent = randomUUID();
  const cases = [
    urlFor(tenant, intent, 'A'.repeat(43)),
    urlFor(tenant, intent, callbackToken(callbackKey, tenant, randomUUID())),
    urlFor(tenant, intent, callbackToken(callbackKey, randomUUID(), intent)),
    urlFor(tenant, intent, callbackToken(callbackKey, tenant, intent).slice(1)),
    urlFor('not-a-uuid', intent, callbackToken(callbackKey, 'not-a-uuid', intent)),
  ];
  for (const url of cases) {
    const res = await post(url, success);
    t.equal(res.statusCode, 403);
    t.equal(res.json().code, 'WEBHOOKS_INVALID_TOKEN');
  }
  const bad = await post(urlFor(tenant, intent, 'x'), '{not json');
  t.equal(bad.statusCode, 403, 'the token is checked before the body');
  const { rows, outbox } = await stored(tenant);
  t.equal(rows.length, 0);
  t.equal(outbox.length, 0);
});

t.test('a source outside the allow-list is refused', async (t) => {
  const tenant = randomUUID();
  const intent = randomUUID();
  const res = await post(urlFor(tenant, intent), success, { remoteAddress: '203.0.113.9' });
  t.equal(res.statusCode, 403);
  t.equal(res.json().code, 'WEBHOOKS_SOURCE_NOT_ALLOWED');
  t.equal((await post(urlFor(tenant, intent), success, { remoteAddress: '::ffff:127.0.0.1' })).statusCode, 200, 'mapped loopback allowed');
  t.equal((await stored(tenant)).rows.length, 1);
});

t.test('malformed bodies are refused and nothing is stored', async (t) => {
  const tenant = randomUUID();
  const intent = randomUUID();
  const url = urlFor(tenant, intent);
  const malformed = await post(url, '{"Body": {"stkCallback": ');
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().code, 'MALFORMED_JSON');
  t.match(malformed.headers['content-type'], /^application\/problem\+json/);

  const noCallback = await post(url, '{"Body":{}}');
  t.equal(noCallback.statusCode, 400);
  t.equal(noCallback.json().code, 'WEBHOOKS_INVALID_CALLBACK');
  t.match(noCallback.json().detail, /Body\.stkCallback/);

  const noResultCode = await post(url, JSON.stringify({ Body: { stkCallback: { MerchantRequestID: 'm', CheckoutRequestID: 'c', ResultDesc: 'x' } } }));
  t.equal(noResultCode.statusCode, 400);
  t.equal((await post(url, '')).statusCode, 400, 'empty body');
  t.equal((await post(url, 'null')).statusCode, 400);
  const big = await post(url, JSON.stringify({ Body: { stkCallback: {} }, pad: 'x'.repeat(70 * 1024) }));
  t.equal(big.statusCode, 413, 'body limit 64 KiB');
  const { rows, outbox } = await stored(tenant);
  t.equal(rows.length, 0);
  t.equal(outbox.length, 0);
});

t.test('logs carry no body, phone, receipt, CheckoutRequestID or token', async (t) => {
  const tenant = randomUUID();
  const intent = randomUUID();
  const token = callbackToken(callbackKey, tenant, intent);
  logLines.length = 0;
  await post(urlFor(tenant, intent), success);
  await post(urlFor(tenant, intent, token.slice(2)), success);
  const all = logLines.join('\n');
  t.ok(logLines.length > 0, 'something was logged');
  t.ok(logLines.every((l) => JSON.parse(l).channel === 'webhooks'), 'webhooks channel');
  for (const secret of [token, token.slice(2), 'ws_CO_191220191020363925', '254700000001', 'TEST0000A1', '29115-34620561-1']) {
    t.notOk(all.includes(secret), `no ${secret.slice(0, 6)}… in logs`);
  }
  t.match(all, /stk callback accepted/);
});

t.test('other kinds: /mpesa/:kind/:tenantId/:token', async (t) => {
  const tenant = randomUUID();
  const c2b = caseFile('c2b-confirmation-masked.json');
  const res = await post(`/mpesa/c2b/${tenant}/${kindCallbackToken(callbackKey, tenant, 'c2b')}`, c2b);
  t.equal(res.statusCode, 200);
  t.equal(res.body, '{"ResultCode":0,"ResultDesc":"Accepted"}');
  for (const [kind, file] of [['b2c', 'b2c-result-success.json'], ['reversal', 'reversal-result-invalid-R000002.json'], ['status', 'transaction-status-result.json']] as const) {
    const r = await post(`/mpesa/${kind}/${tenant}/${kindCallbackToken(callbackKey, tenant, kind)}`, caseFile(file));
    t.equal(r.statusCode, 200, `${kind} accepted`);
  }
  const { rows } = await stored(tenant);
  t.same(rows.map((r) => r.kind).sort(), ['b2c', 'c2b', 'reversal', 'status']);
  t.ok(rows.every((r) => r.intent_id === null && r.checkout_request_id_hash === null));
  const c2bRow = rows.find((r) => r.kind === 'c2b')!;
  const msg = await eventually(async () => received.find((m) => m.msgId === c2bRow.id));
  t.equal(msg.subject, `mpesa.c2b.${tenant}`);
  t.equal(msg.eventType, 'mpesa.c2b.callback');
  t.ok(Buffer.compare(Buffer.from(decodeMessage(mpesaCallback.schema, msg.data).rawBody), c2b) === 0);

  const other = randomUUID();
  const refused = [
    `/mpesa/b2c/${other}/${kindCallbackToken(callbackKey, other, 'c2b')}`, // token of another kind
    `/mpesa/stk/${other}/${kindCallbackToken(callbackKey, other, 'stk')}`, // STK needs its intent
    `/mpesa/nope/${other}/${kindCallbackToken(callbackKey, other, 'nope')}`,
  ];
  for (const url of refused) t.equal((await post(url, c2b)).statusCode, 403, url.split('/')[2]!);
  const wrongShape = await post(`/mpesa/b2c/${other}/${kindCallbackToken(callbackKey, other, 'b2c')}`, c2b);
  t.equal(wrongShape.statusCode, 400, 'a C2B body on the B2C URL');
  t.equal((await stored(other)).rows.length, 0);
});

t.test('allow-list parsing', async (t) => {
  const list = parseAllowList('196.201.214.0/24, 10.0.0.1,2001:db8::/32');
  t.ok(list.allows('196.201.214.200'));
  t.ok(list.allows('::ffff:196.201.214.7'));
  t.notOk(list.allows('196.201.215.1'));
  t.ok(list.allows('10.0.0.1'));
  t.notOk(list.allows('10.0.0.2'));
  t.ok(list.allows('2001:db8::1'));
  t.notOk(list.allows(undefined));
  t.notOk(list.allows('garbage'));
  t.throws(() => parseAllowList('1.2.3.4/33'));
  t.throws(() => parseAllowList('example.com'));
  t.throws(() => parseAllowList(' , '));
});
