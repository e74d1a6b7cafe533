import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { nairobiTimestamp, parseStkCallback, stkPassword } from '@duka/mpesa';
import { buildSim } from '../src/app.js';
import { readSettings } from '../src/settings.js';

const creds = { consumerKey: 'key', consumerSecret: 'secret', shortcode: '174379', passkey: 'passkey' };
// The prompt stays open this long. Generous, so "still pending" holds on a loaded machine; everything that
// waits for a callback or a final answer polls for it instead of sleeping a fixed time.
const DELAY = 400;
const basic = `Basic ${Buffer.from('key:secret').toString('base64')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls until `done()` holds (or 10 s pass: the assertion after it then fails with the real state). */
async function until(done: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done()) && Date.now() < deadline) await sleep(20);
}

async function setup(t: Test) {
  const sim = buildSim({ ...creds, callbackDelayMs: DELAY, callbackRetryDelaysMs: [20, 20, 20] });
  await sim.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => sim.close());
  const base = `http://127.0.0.1:${(sim.server.address() as AddressInfo).port}`;
  const tokenRes = await fetch(`${base}/oauth/v1/generate?grant_type=client_credentials`, { headers: { authorization: basic } });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  return { sim, base, token: access_token };
}

/** A local callback receiver; `failFirst` answers 500 that many times first. */
async function receiver(t: Test, failFirst = 0) {
  const bodies: unknown[] = [];
  let hits = 0;
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      hits += 1;
      if (hits <= failFirst) {
        res.statusCode = 500;
        return res.end();
      }
      bodies.push(JSON.parse(data));
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`, bodies, hits: () => hits };
}

function pushBody(phone: string, callbackUrl: string, over: Record<string, unknown> = {}) {
  const ts = nairobiTimestamp();
  return {
    BusinessShortCode: '174379',
    Password: stkPassword('174379', 'passkey', ts),
    Timestamp: ts,
    TransactionType: 'CustomerPayBillOnline',
    Amount: 10,
    PartyA: phone,
    PartyB: '174379',
    PhoneNumber: phone,
    CallBackURL: callbackUrl,
    AccountReference: 'INV1',
    TransactionDesc: 'Order',
    ...over,
  };
}

async function post(base: string, path: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

t.test('OAuth checks Basic credentials and grant type', async (t) => {
  const { base } = await setup(t);
  const ok = await fetch(`${base}/oauth/v1/generate?grant_type=client_credentials`, { headers: { authorization: basic } });
  t.equal(ok.status, 200);
  const tok = (await ok.json()) as { access_token: string; expires_in: unknown };
  t.equal(tok.expires_in, '3599');
  t.ok(tok.access_token.length > 10);
  const bad = await fetch(`${base}/oauth/v1/generate?grant_type=client_credentials`, {
    headers: { authorization: `Basic ${Buffer.from('key:nope').toString('base64')}` },
  });
  t.equal(bad.status, 400);
  t.match(await bad.json(), { errorCode: '400.008.01' });
  const grant = await fetch(`${base}/oauth/v1/generate?grant_type=password`, { headers: { authorization: basic } });
  t.match(await grant.json(), { errorCode: '400.008.02' });
});

t.test('a new token invalidates the previous one', async (t) => {
  const { base, token } = await setup(t);
  const rx = await receiver(t);
  t.equal((await post(base, '/mpesa/stkpush/v1/processrequest', token, pushBody('254712345678', rx.url))).status, 200);
  await fetch(`${base}/oauth/v1/generate?grant_type=client_credentials`, { headers: { authorization: basic } });
  const r = await post(base, '/mpesa/stkpush/v1/processrequest', token, pushBody('254712345678', rx.url));
  t.equal(r.status, 404);
  t.match(r.body, { errorCode: '404.001.03', errorMessage: 'Invalid Access Token' });
  t.type(r.body.requestId, 'string');
});

t.test('STK push validation answers 400.002.02 naming the field', async (t) => {
  const { base, token } = await setup(t);
  const url = 'https://merchant.test/cb';
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ BusinessShortCode: '600000' }, 'BusinessShortCode'],
    [{ Password: 'bm9wZQ==' }, 'Password'],
    [{ Timestamp: '2024' }, 'Timestamp'],
    [{ TransactionType: 'Whatever' }, 'TransactionType'],
    [{ Amount: 0 }, 'Amount'],
    [{ Amount: 250001 }, 'Amount'],
    [{ Amount: 10.5 }, 'Amount'],
    [{ PartyA: '255712345678' }, 'PartyA'],
    [{ PartyB: '600000' }, 'PartyB'],
    [{ PhoneNumber: '0712345678' }, 'PhoneNumber'],
    [{ CallBackURL: 'not a url' }, 'CallBackURL'],
    [{ AccountReference: 'ABCDEFGHIJKLM' }, 'AccountReference'],
    [{ TransactionDesc: 'ABCDEFGHIJKLMN' }, 'TransactionDesc'],
    [{ AccountReference: undefined }, 'AccountReference'],
  ];
  for (const [over, field] of cases) {
    const r = await post(base, '/mpesa/stkpush/v1/processrequest', token, pushBody('254712345678', url, over));
    t.equal(r.status, 400, field);
    t.match(r.body, { errorCode: '400.002.02', errorMessage: `Bad Request - Invalid ${field}` }, field);
  }
  const amountString = await post(base, '/mpesa/stkpush/v1/processrequest', token, pushBody('254112345678', url, { Amount: '5' }));
  t.equal(amountString.status, 200, 'numeric string amount and 2541 number accepted');
});

t.test('each outcome fires the right callback (or none)', async (t) => {
  const { base, token, sim } = await setup(t);
  const expected: Array<[string, number | null]> = [
    ['254712345678', 0],
    ['254700001032', 1032],
    ['254700001019', 1019],
    ['254700001037', 1037],
    ['254700002001', 2001],
    ['254700000001', 1],
    ['254700000000', null],
  ];
  const rxs: Array<{ rx: Awaited<ReturnType<typeof receiver>>; checkoutId: string }> = [];
  for (const [phone] of expected) {
    const rx = await receiver(t);
    const r = await post(base, '/mpesa/stkpush/v1/processrequest', token, pushBody(phone, rx.url));
    t.equal(r.status, 200);
    t.match(r.body, {
      ResponseCode: '0',
      ResponseDescription: 'Success. Request accepted for processing',
      CustomerMessage: 'Success. Request accepted for processing',
    });
    t.match(String(r.body.CheckoutRequestID), new RegExp(`^ws_CO_\\d{17}${phone}$`));
    rxs.push({ rx, checkoutId: String(r.body.CheckoutRequestID) });
  }
  await until(() => expected.every(([, code], i) => code === null || rxs[i]!.rx.bodies.length >= 1));
  await sleep(DELAY); // and time enough for a wrong extra callback (or one for 0000) to show
  expected.forEach(([, code], i) => {
    const { rx, checkoutId } = rxs[i]!;
    if (code === null) {
      t.equal(rx.bodies.length, 0, 'no callback for 0000');
      return;
    }
    t.equal(rx.bodies.length, 1, `one callback for ${code}`);
    const cb = parseStkCallback(rx.bodies[0]);
    t.ok(cb.ok);
    if (!cb.ok) return;
    t.equal(cb.value.resultCode, String(code));
    t.equal(cb.value.checkoutRequestId, checkoutId);
    const raw = rx.bodies[0] as { Body: { stkCallback: Record<string, unknown> } };
    t.equal(typeof raw.Body.stkCallback.ResultCode, 'number');
    if (code === 0) {
      t.equal(cb.value.metadata.amount, 10);
      t.match(cb.value.metadata.receipt, /^TEST[A-Z0-9]{6}$/);
      t.match(cb.value.metadata.transactionDate, /^\d{14}$/);
      t.equal(cb.value.metadata.phone, expected[i]![0]);
      const items = (raw.Body.stkCallback.CallbackMetadata as { Item: Array<{ Name: string; Value: unknown }> }).Item;
      t.same(items.map((x) => x.Name), ['Amount', 'MpesaReceiptNumber', 'TransactionDate', 'PhoneNumber']);
      t.equal(typeof items[2]!.Value, 'number');
      t.equal(typeof items[3]!.Value, 'number');
    } else {
      t.notOk('CallbackMetadata' in raw.Body.stkCallback, 'no metadata on failures');
    }
  });
  const list = await sim.inject({ url: '/sim/pushes' });
  t.equal(list.statusCode, 200);
  t.notMatch(list.body, /2547\d{8}/, 'listing carries no phone numbers');
  t.equal(list.json<{ items: unknown[] }>().items.length, expected.length);
});

t.test('X-Sim-Outcome overrides; X-Sim-Duplicate repeats the callback', async (t) => {
  const { base, token } = await setup(t);
  const rx = await receiver(t);
  const r = await post(base, '/mpesa/stkpush/v1/processrequest', token, pushBody('254712345678', rx.url), {
    'x-sim-outcome': 'wrong_pin',
    'x-sim-duplicate': '3',
  });
  t.equal(r.status, 200);
  await until(() => rx.bodies.length >= 3);
  await sleep(100);
  t.equal(rx.bodies.length, 3);
  t.same(rx.bodies[0], rx.bodies[2], 'identical duplicates');
  const cb = parseStkCallback(rx.bodies[0]);
  t.ok(cb.ok && cb.value.resultCode === '2001');
  const bad = await post(base, '/mpesa/stkpush/v1/processrequest', token, pushBody('254712345678', rx.url), { 'x-sim-outcome': 'maybe' });
  t.equal(bad.status, 400);
});

t.test('STK query: pending (HTTP 500) then final; none -> 1037 after 2x delay; unknown id', async (t) => {
  const { base, token } = await setup(t);
  const rx = await receiver(t);
  const query = (id: string) => {
    const ts = nairobiTimestamp();
    return post(base, '/mpesa/stkpushquery/v1/query', token, {
      BusinessShortCode: '174379',
      Password: stkPassword('174379', 'passkey', ts),
      Timestamp: ts,
      CheckoutRequestID: id,
    });
  };
  const ok = await post(base, '/mpesa/stkpush/v1/processrequest', token, pushBody('254700001019', rx.url));
  const none = await post(base, '/mpesa/stkpush/v1/processrequest', token, pushBody('254700000000', rx.url));
  const okId = String(ok.body.CheckoutRequestID);
  const noneId = String(none.body.CheckoutRequestID);
  const pending = await query(okId);
  t.equal(pending.status, 500);
  t.match(pending.body, { errorCode: '500.001.1001', errorMessage: 'The transaction is being processed' });
  await until(async () => (await query(okId)).status === 200);
  const fin = await query(okId);
  t.equal(fin.status, 200);
  t.match(fin.body, { ResponseCode: '0', ResultCode: '1019', ResultDesc: 'Transaction has expired', CheckoutRequestID: okId });
  t.equal((await query(noneId)).status, 500, 'none still pending after one delay');
  await until(async () => (await query(noneId)).status === 200);
  t.match((await query(noneId)).body, { ResultCode: '1037' });
  const unknown = await query('ws_CO_000000000000000000254712345678');
  t.equal(unknown.status, 400);
  t.match(unknown.body, { errorCode: '400.002.02', errorMessage: 'Bad Request - Invalid CheckoutRequestID' });
});

t.test('failed callback deliveries are retried', async (t) => {
  const { base, token, sim } = await setup(t);
  const rx = await receiver(t, 2);
  const r = await post(base, '/mpesa/stkpush/v1/processrequest', token, pushBody('254712345678', rx.url));
  await until(() => rx.bodies.length >= 1);
  t.equal(rx.hits(), 3);
  t.equal(rx.bodies.length, 1);
  const rec = await sim.inject({ url: `/sim/pushes/${String(r.body.CheckoutRequestID)}` });
  t.match(rec.json(), { callbackAttempts: 3, callbacksDelivered: 1, state: 'final' });
});

t.test('settings: required variables and one-line errors', async (t) => {
  const env = { SIM_CONSUMER_KEY: 'k', SIM_CONSUMER_SECRET: 's', SIM_SHORTCODE: '174379', SIM_PASSKEY: 'p' };
  const ok = readSettings(env);
  t.match(ok, { ok: true, settings: { port: 8089, host: '127.0.0.1', callbackDelayMs: 300 } });
  t.match(readSettings({ ...env, SIM_PASSKEY: '' }), { ok: false, message: 'SIM_PASSKEY is required' });
  t.match(readSettings({ ...env, SIM_SHORTCODE: 'abc' }), { ok: false, message: /^SIM_SHORTCODE/ });
  t.match(readSettings({ ...env, SIM_PORT: 'x' }), { ok: false, message: /^SIM_PORT/ });
  t.match(readSettings({ ...env, SIM_CALLBACK_DELAY_MS: '-1' }), { ok: false, message: /^SIM_CALLBACK_DELAY_MS/ });
});
