import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger, scrub, scrubString } from './index.js';

t.test('phone numbers in every shape shoppers type are removed', async (t) => {
  for (const phone of ['+254700000001', '254700000001', '0700000001', '0712 345 678', '0112-345-678', '+254 712 345 678']) {
    t.equal(scrubString(`pay from ${phone} now`), 'pay from [phone] now', phone);
  }
});

t.test('emails, receipts and checkout ids are removed', async (t) => {
  t.equal(scrubString('owner a.b+c@shop.co.ke'), 'owner [email]');
  t.equal(scrubString('receipt TEST1A2B3C ok'), 'receipt [receipt] ok');
  t.equal(scrubString('id ws_CO_191220191020363925'), 'id [checkout-id]');
  t.equal(scrubString('code PAYMENTS_IDEMPOTENCY_MISMATCH'), 'code PAYMENTS_IDEMPOTENCY_MISMATCH');
  t.equal(scrubString('uuid 0b7c3a8e-5c55-4d5e-9a53-3f2f1c1d2e3f'), 'uuid 0b7c3a8e-5c55-4d5e-9a53-3f2f1c1d2e3f');
});

t.test('sensitive keys are hidden at any depth; plain values are scrubbed', async (t) => {
  const lines: string[] = [];
  const dest = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
  createLogger({ service: 'test', destination: dest }).info({ a: { password: 'x', b: { passkey: 'y', n: 1 } } });
  t.same(JSON.parse(lines[0]!).a, { password: '[redacted]', b: { passkey: '[redacted]', n: 1 } });
  t.same(scrub({ a: ['call 0700000001'] }), { a: ['call [phone]'] });
});

t.test('the logger writes scrubbed JSON', async (t) => {
  const lines: string[] = [];
  const dest = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
  const log = createLogger({ service: 'test', destination: dest });
  log.info({ body: { PhoneNumber: 254700000001, note: 'call 0700000001' } }, 'got 254700000001');
  const rec = JSON.parse(lines[0]!);
  t.equal(rec.service, 'test');
  t.equal(rec.msg, 'got [phone]');
  t.equal(rec.body.PhoneNumber, '[redacted]');
  t.equal(rec.body.note, 'call [phone]');
  t.notMatch(lines[0]!, /700000001/);
});

t.test('request logs keep their shape and a huge line is scrubbed in linear time', async (t) => {
  const lines: string[] = [];
  const dest = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
  const log = createLogger({ service: 'test', destination: dest });
  log.info({ req: { method: 'POST', url: '/v1/x', headers: { authorization: 'Bearer abc', cookie: 'sid=1' } } }, 'incoming');
  const rec = JSON.parse(lines[0]!);
  t.same(rec.req, { method: 'POST', url: '/v1/x', headers: { authorization: '[redacted]', cookie: '[redacted]' } });
  const started = performance.now();
  scrubString('a'.repeat(200_000) + ' 0700000001 ' + 'B7'.repeat(50_000));
  t.ok(performance.now() - started < 2_000, 'no catastrophic backtracking');
});
