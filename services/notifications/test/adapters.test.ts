import t from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@duka/log';
import { createAdapters, SmsAdapter, WhatsAppCloudAdapter } from '../src/adapters/index.js';
import { parseNotificationsConfig } from '../src/config.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A stand-in provider on loopback: records requests, answers with whatever `reply` says. */
async function fakeProvider(reply: (seen: Seen, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      reply(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { seen, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const msg = { tenantId: '8f1d2c9e-0000-4000-8000-000000000001', deliveryId: 'd-1', to: '+254712345678', text: 'Payment of KES 1 received.' };
const breaker = { timeoutMs: 300, volumeThreshold: 2, resetTimeoutMs: 60_000 };

t.test('WhatsApp Cloud API: bearer token, JSON text message, message id back', async (t) => {
  const p = await fakeProvider((_s, res) => json(res, 200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.ABC' }] }));
  const wa = new WhatsAppCloudAdapter({ token: 'tok-1', phoneNumberId: '1234567', apiBase: p.base, apiVersion: 'v21.0', breaker });
  t.teardown(() => wa.close());
  t.same(await wa.send(msg), { ok: true, providerMessageId: 'wamid.ABC' });
  const [s] = p.seen;
  t.equal(s!.method, 'POST');
  t.equal(s!.url, '/v21.0/1234567/messages');
  t.equal(s!.headers.authorization, 'Bearer tok-1');
  t.match(JSON.parse(s!.body), { messaging_product: 'whatsapp', to: '254712345678', type: 'text', text: { body: msg.text } });
});

t.test('WhatsApp: a refused message is final and does not open the circuit', async (t) => {
  const p = await fakeProvider((_s, res) => json(res, 400, { error: { code: 131030, message: 'Recipient +254712345678 not in allowed list' } }));
  const wa = new WhatsAppCloudAdapter({ token: 't', phoneNumberId: '1234567', apiBase: p.base, apiVersion: 'v21.0', breaker });
  t.teardown(() => wa.close());
  for (let i = 0; i < 4; i++) {
    const r = await wa.send(msg);
    t.match(r, { ok: false, retryable: false });
    if (!r.ok) t.notOk(r.error.includes('712345678'), 'no phone number in the stored error');
  }
  t.equal(p.seen.length, 4, 'every call reached the provider');
});

t.test('time-outs and 5xx are retryable and open the circuit; an open circuit fails fast', async (t) => {
  let calls = 0;
  const p = await fakeProvider((_s, res) => {
    calls++;
    if (calls === 1) return void setTimeout(() => json(res, 200, {}), 1_000); // slower than the 300 ms time-out
    json(res, 503, {});
  });
  const sms = new SmsAdapter({ username: 'sandbox', apiKey: 'k', apiBase: p.base, breaker });
  t.teardown(() => sms.close());
  t.match(await sms.send(msg), { ok: false, retryable: true, error: /timed out/ });
  t.match(await sms.send(msg), { ok: false, retryable: true, error: /HTTP 503/ });
  const started = Date.now();
  t.match(await sms.send(msg), { ok: false, retryable: true, error: /circuit open/ });
  t.ok(Date.now() - started < 100, 'fails fast');
  t.equal(calls, 2, 'no call while open');
});

t.test("Africa's Talking SMS: form body, apiKey header, per-recipient status", async (t) => {
  const p = await fakeProvider((s, res) => {
    const to = new URLSearchParams(s.body).get('to');
    const ok = to === '+254712345678';
    json(res, 201, {
      SMSMessageData: {
        Message: 'Sent to 1/1',
        Recipients: [ok ? { statusCode: 101, number: to, status: 'Success', messageId: 'ATXid_1' } : { statusCode: 403, number: to, status: 'InvalidPhoneNumber' }],
      },
    });
  });
  const sms = new SmsAdapter({ username: 'duka', apiKey: 'key-1', apiBase: p.base, from: 'DUKA', breaker });
  t.teardown(() => sms.close());
  t.same(await sms.send(msg), { ok: true, providerMessageId: 'ATXid_1' });
  const [s] = p.seen;
  t.equal(s!.url, '/version1/messaging');
  t.equal(s!.headers.apikey, 'key-1');
  t.match(s!.headers['content-type'], /application\/x-www-form-urlencoded/);
  t.same(Object.fromEntries(new URLSearchParams(s!.body)), { username: 'duka', to: msg.to, message: msg.text, from: 'DUKA' });
  t.same(await sms.send({ ...msg, to: '+254700000000' }), { ok: false, error: 'sms: 403 InvalidPhoneNumber', retryable: false });
});

t.test('settings: log by default; a network channel needs its credentials', async (t) => {
  const base = { DATABASE_URL: 'postgres://u@h/d' };
  const logger = createLogger({ service: 't', level: 'silent' });
  const c = parseNotificationsConfig(base);
  t.equal(c.NOTIFY_CHANNEL, 'log');
  t.equal(c.PORT, 8086);
  t.equal(createAdapters(c, logger).fallback.channel, 'log');
  t.throws(() => parseNotificationsConfig({ ...base, NOTIFY_CHANNEL: 'whatsapp' }), /WHATSAPP_TOKEN: is required when NOTIFY_CHANNEL=whatsapp/);
  t.throws(() => parseNotificationsConfig({ ...base, NOTIFY_CHANNEL: 'sms', AT_USERNAME: 'x' }), /AT_API_KEY/);
  t.throws(() => parseNotificationsConfig({ ...base, NOTIFY_CHANNEL: 'pigeon' }), /NOTIFY_CHANNEL/);
  const wa = parseNotificationsConfig({ ...base, NOTIFY_CHANNEL: 'whatsapp', WHATSAPP_TOKEN: 't', WHATSAPP_PHONE_NUMBER_ID: '12345', AT_USERNAME: 'u', AT_API_KEY: 'k' });
  const set = createAdapters(wa, logger);
  t.teardown(() => set.close());
  t.equal(set.fallback.channel, 'whatsapp');
  t.equal(set.pick('sms').channel, 'sms', 'a command may ask for another configured channel');
  t.equal(set.pick('email').channel, 'whatsapp');
  t.equal(set.pick('log').channel, 'whatsapp', 'log is never picked on request');
});
