import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
// The simulator depends on this package, so the test reaches it by path instead of a cyclic workspace dependency.
import { buildSim } from '../../daraja-sim/src/app.js';
import { DarajaClient, type DarajaClientOptions } from './client.js';
import {
  DarajaAuthError,
  DarajaInputError,
  DarajaRateLimitedError,
  DarajaTimeoutError,
  DarajaUnavailableError,
} from './errors.js';
import { parseStkCallback } from './stk-callback.js';

const creds = { consumerKey: 'ck-test', consumerSecret: 'cs-test', shortcode: '174379', passkey: 'pk-test-passkey' };
// The simulated prompt stays open this long: generous, so "pending" holds on a loaded machine. Final answers are
// polled for, not slept for.
const DELAY = 400;

async function startSim(t: Test) {
  const sim = buildSim({ ...creds, callbackDelayMs: DELAY, callbackRetryDelaysMs: [20, 20, 20] });
  await sim.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => sim.close());
  const baseUrl = `http://127.0.0.1:${(sim.server.address() as AddressInfo).port}`;
  return { sim, baseUrl };
}

function client(t: Test, baseUrl: string, extra: Partial<DarajaClientOptions> = {}): DarajaClient {
  const c = new DarajaClient({ baseUrl, ...creds, timeoutMs: 2_000, ...extra });
  t.teardown(() => c.close());
  return c;
}

async function receiver(t: Test): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(data));
      res.end('{"ResultCode":0}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`, bodies };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls until `done()` holds (or 10 s pass: the assertion after it then fails with the real state). */
async function until(done: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await sleep(20);
}
const push = (phoneE164: string, callbackUrl: string) => ({
  amountShillings: 150,
  phoneE164,
  callbackUrl,
  accountReference: 'INV-000123',
  transactionDesc: 'Duka order',
});

t.test('stkPush is accepted; query is pending then final; callback arrives', async (t) => {
  const { baseUrl } = await startSim(t);
  const rx = await receiver(t);
  const c = client(t, baseUrl);
  const r = await c.stkPush(push('+254712345678', rx.url));
  t.ok(r.ok);
  if (!r.ok) return;
  t.equal(r.responseCode, '0');
  t.match(r.checkoutRequestId, /^ws_CO_\d{17}254712345678$/);
  t.equal(r.customerMessage, 'Success. Request accepted for processing');
  t.match(await c.stkQuery(r.checkoutRequestId), { ok: true, kind: 'pending' });
  await until(() => rx.bodies.length === 1);
  t.match(await c.stkQuery(r.checkoutRequestId), {
    ok: true,
    kind: 'final',
    resultCode: '0',
    classification: { status: 'succeeded', known: true },
  });
  t.equal(rx.bodies.length, 1);
  const cb = parseStkCallback(rx.bodies[0]);
  t.ok(cb.ok);
  if (cb.ok) {
    t.equal(cb.value.checkoutRequestId, r.checkoutRequestId);
    t.equal(cb.value.metadata.amount, 150);
    t.match(cb.value.metadata.receipt, /^TEST[A-Z0-9]{6}$/);
  }
});

t.test('query reports the outcome chosen by the phone suffix', async (t) => {
  const { baseUrl } = await startSim(t);
  const rx = await receiver(t);
  const c = client(t, baseUrl);
  const r = await c.stkPush(push('+254700001032', rx.url));
  t.ok(r.ok);
  if (!r.ok) return;
  await until(() => rx.bodies.length === 1);
  t.match(await c.stkQuery(r.checkoutRequestId), { ok: true, kind: 'final', resultCode: '1032', classification: { status: 'cancelled' } });
});

t.test('invalid input is refused before calling Daraja', async (t) => {
  const { baseUrl, sim } = await startSim(t);
  const c = client(t, baseUrl);
  const r = await c.stkPush({ ...push('+254712345678', 'https://x.test/cb'), amountShillings: 0 });
  t.notOk(r.ok);
  if (!r.ok) {
    t.type(r.error, DarajaInputError);
    t.equal(r.error.code, 'DARAJA_INVALID_INPUT');
    t.equal(r.error.retryable, false);
  }
  const bad = await c.stkPush(push('0201234567', 'https://x.test/cb'));
  t.notOk(bad.ok);
  if (!bad.ok) t.notMatch(bad.error.message, /201234567/);
  const q = await c.stkQuery('not a valid id!');
  t.notOk(q.ok);
  const health = (await sim.inject({ url: '/sim/health' })).json<{ pushes: number; tokensIssued: number }>();
  t.equal(health.pushes, 0);
  t.equal(health.tokensIssued, 0, 'no token even requested');
});

t.test('token cached, single-flight, one retry after 404.001.03', async (t) => {
  const { baseUrl, sim } = await startSim(t);
  const c = client(t, baseUrl);
  const results = await Promise.all(
    Array.from({ length: 5 }, () => c.stkPush(push('+254712345678', 'https://x.test/cb'))),
  );
  t.ok(results.every((r) => r.ok), 'all pushes accepted');
  let health = (await sim.inject({ url: '/sim/health' })).json<{ tokensIssued: number }>();
  t.equal(health.tokensIssued, 1, 'one token for five concurrent calls');

  // Another holder of the app's credentials takes a new token: ours becomes invalid.
  const basic = Buffer.from(`${creds.consumerKey}:${creds.consumerSecret}`).toString('base64');
  const other = await sim.inject({ url: '/oauth/v1/generate?grant_type=client_credentials', headers: { authorization: `Basic ${basic}` } });
  t.equal(other.statusCode, 200);
  t.equal(typeof other.json<{ expires_in: unknown }>().expires_in, 'string');
  const again = await c.stkPush(push('+254712345678', 'https://x.test/cb'));
  t.ok(again.ok, 'refreshed and retried once');
  health = (await sim.inject({ url: '/sim/health' })).json<{ tokensIssued: number }>();
  t.equal(health.tokensIssued, 3);
});

t.test('wrong consumer credentials -> auth error without secrets', async (t) => {
  const { baseUrl } = await startSim(t);
  const c = client(t, baseUrl, { consumerSecret: 'wrong-secret-value' });
  const r = await c.stkPush(push('+254712345678', 'https://x.test/cb'));
  t.notOk(r.ok);
  if (!r.ok) {
    t.type(r.error, DarajaAuthError);
    t.equal(r.error.retryable, false);
    t.notMatch(r.error.message, /wrong-secret-value|ck-test/);
  }
});

t.test('Daraja rejection maps to DARAJA_REJECTED', async (t) => {
  const { baseUrl } = await startSim(t);
  const c = client(t, baseUrl, { passkey: 'not-the-passkey' });
  const r = await c.stkPush(push('+254712345678', 'https://x.test/cb'));
  t.notOk(r.ok);
  if (!r.ok) {
    t.equal(r.error.code, 'DARAJA_REJECTED');
    t.equal(r.error.darajaErrorCode, '400.002.02');
    t.equal(r.error.retryable, false);
    t.match(r.error.message, /Invalid Password/);
  }
});

t.test('spike arrest -> retryable rate-limit error with growing back-off', async (t) => {
  const { baseUrl, sim } = await startSim(t);
  const c = client(t, baseUrl, { baseBackoffMs: 100, breaker: { volumeThreshold: 100 } });
  t.ok((await c.stkPush(push('+254712345678', 'https://x.test/cb'))).ok);
  await sim.inject({ method: 'POST', url: '/sim/faults', payload: { kind: 'spike_arrest', count: 2 } });
  const first = await c.stkPush(push('+254712345678', 'https://x.test/cb'));
  const second = await c.stkPush(push('+254712345678', 'https://x.test/cb'));
  t.notOk(first.ok);
  t.notOk(second.ok);
  if (!first.ok && !second.ok) {
    t.type(first.error, DarajaRateLimitedError);
    t.equal(first.error.retryable, true);
    t.equal(first.error.darajaErrorCode, '500.003.02');
    const a = (first.error as DarajaRateLimitedError).retryAfterMs;
    const b = (second.error as DarajaRateLimitedError).retryAfterMs;
    t.ok(a >= 100 && a <= 120, `first back-off ${a}`);
    t.ok(b >= 200 && b <= 240, `second back-off ${b}`);
  }
  t.ok((await c.stkPush(push('+254712345678', 'https://x.test/cb'))).ok, 'recovers');
});

t.test('time-out via AbortSignal', async (t) => {
  const { baseUrl, sim } = await startSim(t);
  const c = client(t, baseUrl, { timeoutMs: 100 });
  await sim.inject({ method: 'POST', url: '/sim/faults', payload: { kind: 'delay', delayMs: 400, count: 1 } });
  const r = await c.stkPush(push('+254712345678', 'https://x.test/cb'));
  t.notOk(r.ok);
  if (!r.ok) {
    t.type(r.error, DarajaTimeoutError);
    t.equal(r.error.retryable, true);
  }
});

t.test('circuit opens after failures and fails fast with DarajaUnavailableError', async (t) => {
  const { baseUrl, sim } = await startSim(t);
  const c = client(t, baseUrl, { breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } });
  await sim.inject({ method: 'POST', url: '/sim/faults', payload: { kind: 'server_error', count: 3 } });
  for (let i = 0; i < 3; i += 1) {
    const r = await c.stkPush(push('+254712345678', 'https://x.test/cb'));
    t.notOk(r.ok);
    if (!r.ok) t.equal(r.error.code, 'DARAJA_SERVER_ERROR');
  }
  t.ok(c.circuitOpen);
  const before = (await sim.inject({ url: '/sim/health' })).json<{ tokensIssued: number }>();
  const r = await c.stkPush(push('+254712345678', 'https://x.test/cb'));
  t.notOk(r.ok);
  if (!r.ok) {
    t.type(r.error, DarajaUnavailableError);
    t.equal(r.error.code, 'DARAJA_UNAVAILABLE');
    t.equal(r.error.retryable, true);
  }
  const q = await c.stkQuery('ws_CO_000000000000000000254712345678');
  t.match(q, { ok: false, error: { code: 'DARAJA_UNAVAILABLE' } });
  const after = (await sim.inject({ url: '/sim/health' })).json<{ tokensIssued: number }>();
  t.same(after, before, 'nothing reached the simulator');
});

t.test('unreachable Daraja -> network error', async (t) => {
  const c = client(t, 'http://127.0.0.1:1', { timeoutMs: 500 });
  const r = await c.stkPush(push('+254712345678', 'https://x.test/cb'));
  t.match(r, { ok: false, error: { code: 'DARAJA_NETWORK', retryable: true } });
});
