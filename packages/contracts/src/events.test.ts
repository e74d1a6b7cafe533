import t from 'tap';
import { create, equals, isMessage } from '@bufbuild/protobuf';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import {
  ContractError,
  EventMetaSchema,
  PaymentSucceededSchema,
  catalogQuote,
  decodeAnyEvent,
  decodeEvent,
  decodeMessage,
  encodeEvent,
  encodeMessage,
  eventDefinitions,
  eventSubject,
  eventToJson,
  eventTypeFromSubject,
  eventTypes,
  events,
  isEventType,
  mpesaCallback,
  mpesaSubject,
  notificationSend,
  notificationSendSubject,
  parseEventSubject,
  parseMpesaSubject,
} from './index.js';
import type { EventInit, EventType } from './index.js';

const TENANT = '0b7c3a8e-5c55-4d5e-9a53-3f2f1c1d2e3f';
const meta = {
  eventId: '01J9Z3Y6Q4S8M2B7K5N1V0C6XR',
  tenantId: TENANT,
  occurredAtMs: 1_733_230_000_123n,
  requestId: 'req-1',
  actor: { kind: 'user', id: 'u-1', role: 'owner' },
  sourceIp: '203.0.113.7',
};

// One realistic body per registered type; the mapped type makes a missing sample a compile error.
const samples: { [T in EventType]: EventInit<T> } = {
  'identity.tenant.created': { meta, tenantId: TENANT, slug: 'mama-mboga', name: 'Mama Mboga', ownerUserId: 'u-1' },
  'identity.user.logged_in': { meta, userId: 'u-1', sessionId: 's-1', amr: ['pwd', 'otp'] },
  'identity.login.failed': { meta, reason: 'bad_credentials' },
  'identity.sessions.revoked': { meta, userId: '', notBeforeMs: 1_733_230_000_000n },
  'catalog.product.created': {
    meta, productId: 'p-1', name: 'Sukuma', priceCents: 5_000n, currency: 'KES', published: true, stock: 12n,
  },
  'catalog.product.price_changed': { meta, productId: 'p-1', oldPriceCents: 5_000n, newPriceCents: 4_500n, currency: 'KES' },
  'payments.payment.created': { meta, paymentId: 'pay-1', orderId: 'o-1', amountCents: 9_000_000_000_000_001n, currency: 'KES' },
  'payments.payment.succeeded': {
    meta, paymentId: 'pay-1', orderId: 'o-1', amountCents: 10_000n, currency: 'KES', receiptMasked: 'TEST****3C',
    phoneCiphertext: 'v1:abc',
  },
  'payments.payment.failed': { meta, paymentId: 'pay-1', orderId: 'o-1', status: 'failed', reason: 'insufficient_funds' },
  'notifications.delivery.recorded': { meta, deliveryId: 'd-1', channel: 'sms', template: 'receipt', status: 'sent' },
};

t.test('every registered event round-trips through binary', async (t) => {
  t.same([...eventTypes].sort(), Object.keys(samples).sort(), 'samples cover the registry');
  for (const type of eventTypes) {
    const schema = events[type].schema as DescMessage;
    const bytes = encodeEvent(type, samples[type]);
    t.type(bytes, Uint8Array, type);
    const decoded = decodeEvent(type, bytes);
    t.ok(isMessage(decoded, schema), `${type} decodes to ${schema.typeName}`);
    t.ok(equals(schema, decoded, create(schema, samples[type] as MessageInitShape<DescMessage>)), `${type} equal after round trip`);
  }
});

t.test('every event carries EventMeta as field 1', async (t) => {
  for (const def of eventDefinitions) {
    const field = def.schema.fields.find((f) => f.number === 1);
    t.equal(field?.name, 'meta', def.type);
    t.equal(field?.fieldKind === 'message' ? field.message.typeName : undefined, EventMetaSchema.typeName, def.type);
  }
});

t.test('decoding is typed and keeps int64 as bigint', async (t) => {
  const msg = decodeEvent('payments.payment.succeeded', encodeEvent('payments.payment.succeeded', samples['payments.payment.succeeded']));
  t.equal(msg.amountCents, 10_000n);
  t.equal(msg.meta?.occurredAtMs, meta.occurredAtMs);
  t.equal(msg.meta?.actor?.kind, 'user');

  const big = decodeEvent('payments.payment.created', encodeEvent('payments.payment.created', samples['payments.payment.created']));
  t.equal(big.amountCents, 9_000_000_000_000_001n, 'beyond Number.MAX_SAFE_INTEGER survives');

  const message = create(PaymentSucceededSchema, samples['payments.payment.succeeded']);
  t.same(encodeEvent('payments.payment.succeeded', message), encodeEvent('payments.payment.succeeded', samples['payments.payment.succeeded']),
    'a built message and its init object encode the same');
});

t.test('decodeAnyEvent discriminates on a runtime header value', async (t) => {
  const header: string = 'identity.user.logged_in';
  const decoded = decodeAnyEvent(header, encodeEvent('identity.user.logged_in', samples['identity.user.logged_in']));
  if (decoded.type !== 'identity.user.logged_in') return t.fail('wrong type');
  t.same(decoded.message.amr, ['pwd', 'otp']);
});

t.test('eventToJson gives canonical proto3 JSON with every field', async (t) => {
  const json = eventToJson('catalog.product.created', encodeEvent('catalog.product.created', { ...samples['catalog.product.created'], published: false }));
  t.match(json, {
    meta: { eventId: meta.eventId, tenantId: TENANT, occurredAtMs: '1733230000123', actor: { kind: 'user' } },
    productId: 'p-1', priceCents: '5000', published: false, stock: '12',
  });
});

t.test('subjects map to types and back', async (t) => {
  t.equal(events['payments.payment.succeeded'].subject(TENANT), `evt.payments.payment.succeeded.${TENANT}`);
  t.equal(eventSubject('payments.payment.created', TENANT), `evt.payments.payment.created.${TENANT}`);
  t.equal(events['identity.sessions.revoked'].filter, 'evt.identity.sessions.revoked.*');
  for (const type of eventTypes) {
    t.equal(events[type].type, type, 'registry key matches entry type');
    const subject = events[type].subject(TENANT);
    t.match(subject, /^evt\.[a-z_]+\.[a-z_]+\.[a-z_]+\.[^.]+$/, 'DESIGN §5 shape');
    t.equal(eventTypeFromSubject(subject), type);
    t.same(parseEventSubject(subject), { type, tenantId: TENANT });
  }
  for (const bad of ['evt.payments.payment.refunded.t1', 'evt.payments.payment.succeeded', 'evt.payments.payment.succeeded.t1.x',
    'cmd.payments.payment.succeeded.t1', 'ns.evt.payments.payment.succeeded.t1', 'evt.payments.payment.succeeded.', '']) {
    t.equal(eventTypeFromSubject(bad), undefined, JSON.stringify(bad));
  }
});

t.test('tenant ids that are not one subject token are refused', async (t) => {
  for (const bad of ['', 'a.b', '*', '>', 'a b']) {
    t.throws(() => events['identity.login.failed'].subject(bad), { code: 'CONTRACTS_INVALID_SUBJECT_TOKEN' }, JSON.stringify(bad));
    t.throws(() => notificationSendSubject(bad), { code: 'CONTRACTS_INVALID_SUBJECT_TOKEN' });
    t.throws(() => mpesaSubject('stk', bad), { code: 'CONTRACTS_INVALID_SUBJECT_TOKEN' });
  }
});

t.test('unknown event types are rejected', async (t) => {
  const bytes = encodeEvent('identity.login.failed', samples['identity.login.failed']);
  t.notOk(isEventType('payments.payment.refunded'));
  t.notOk(isEventType('toString'), 'prototype keys are not event types');
  t.throws(() => decodeEvent('payments.payment.refunded', bytes), { name: 'ContractError', code: 'CONTRACTS_UNKNOWN_EVENT_TYPE' });
  t.throws(() => decodeAnyEvent('constructor', bytes), { code: 'CONTRACTS_UNKNOWN_EVENT_TYPE' });
  t.throws(() => eventToJson('evt.identity.login.failed', bytes), { code: 'CONTRACTS_UNKNOWN_EVENT_TYPE' });
  t.throws(() => encodeEvent('nope' as EventType, { meta } as never), { code: 'CONTRACTS_UNKNOWN_EVENT_TYPE' });
});

t.test('events without meta ids and malformed bodies are rejected', async (t) => {
  t.throws(() => encodeEvent('identity.login.failed', { reason: 'x' }), { code: 'CONTRACTS_EVENT_META_MISSING' });
  t.throws(() => encodeEvent('identity.login.failed', { meta: { ...meta, tenantId: '' }, reason: 'x' }), { code: 'CONTRACTS_EVENT_META_MISSING' });
  const err = t.throws(() => decodeEvent('identity.login.failed', new Uint8Array([0x0a, 0xff])), { code: 'CONTRACTS_DECODE_FAILED' });
  t.ok(err instanceof ContractError);
});

t.test('command, mpesa and rpc contracts', async (t) => {
  t.equal(notificationSend.subject(TENANT), `cmd.notifications.send.${TENANT}`);
  const cmd = decodeMessage(notificationSend.schema, encodeMessage(notificationSend.schema, {
    meta, channel: 'sms', template: 'receipt', recipientCiphertext: 'v1:xyz', vars: { order: 'o-1' },
  }));
  t.same(cmd.vars, { order: 'o-1' });

  t.equal(mpesaSubject('c2b', TENANT), `mpesa.c2b.${TENANT}`);
  t.same(parseMpesaSubject(`mpesa.reversal.${TENANT}`), { kind: 'reversal', tenantId: TENANT });
  t.equal(parseMpesaSubject(`mpesa.refund.${TENANT}`), undefined);
  t.throws(() => mpesaSubject('refund' as never, TENANT), { code: 'CONTRACTS_INVALID_SUBJECT_TOKEN' });
  t.equal(mpesaCallback.filter(), 'mpesa.>');
  const raw = new TextEncoder().encode('{"Body":{}}');
  const cb = decodeMessage(mpesaCallback.schema, encodeMessage(mpesaCallback.schema, {
    inboxId: 'i-1', tenantId: TENANT, kind: 'stk', receivedAtMs: 1n, rawBody: raw,
  }));
  t.same(cb.rawBody, raw);

  t.equal(catalogQuote.subject, 'rpc.catalog.quote');
  const reply = decodeMessage(catalogQuote.reply, encodeMessage(catalogQuote.reply, {
    ok: true, currency: 'KES', totalCents: 200n, lines: [{ productId: 'p-1', name: 'Sukuma', quantity: 2n, unitPriceCents: 100n, lineTotalCents: 200n }],
  }));
  t.equal(reply.lines[0]?.lineTotalCents, 200n);
});
