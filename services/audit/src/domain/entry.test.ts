import t from 'tap';
import { canonicalJson } from './canonical-json.js';
import { ChainVerifier, chainEntry, GENESIS_HASH, type EntryDraft } from './entry.js';
import { describeEvent, redact } from './describe-event.js';

const draft = (n: number): EntryDraft => ({
  eventId: `e${n}`,
  action: 'catalog.product.created',
  actor: { kind: 'user', id: 'u1', role: 'owner' },
  target: { type: 'product', id: `p${n}` },
  sourceIp: '',
  requestId: 'r',
  occurredAt: 1_700_000_000_000 + n,
  data: { b: 1, a: { z: [1, 'x'], y: null } },
});

t.test('canonical JSON sorts keys at every depth', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 'x' } }), '{"a":{"c":"x","d":[2,{"e":0,"f":1}]},"b":1}');
  t.equal(canonicalJson({ a: undefined, b: 10n }), '{"b":"10"}');
});

t.test('a chain verifies, and any change breaks it at that entry', async (t) => {
  const tenant = '8f1d2c9e-0000-4000-8000-000000000001';
  const chain = [chainEntry(tenant, draft(1), null, 1)];
  for (let i = 2; i <= 4; i++) chain.push(chainEntry(tenant, draft(i), chain.at(-1)!, i));
  t.equal(chain[0]!.prevHash, GENESIS_HASH);
  const verify = (entries: typeof chain) => {
    const v = new ChainVerifier();
    for (const e of entries) v.add(e);
    return v.result();
  };
  t.same(verify(chain), { ok: true, entries: 4 });
  t.match(verify(chain.map((e) => (e.seq === 3 ? { ...e, data: { b: 2 } } : e))), { ok: false, entries: 4, brokenAt: 3 });
  t.match(verify(chain.map((e) => (e.seq === 2 ? { ...e, actor: { ...e.actor, role: 'staff' } } : e))), { ok: false, brokenAt: 2 });
  t.match(verify(chain.filter((e) => e.seq !== 2)), { ok: false, brokenAt: 3 });
  t.same(verify(chain.map((e) => ({ ...e, data: JSON.parse(JSON.stringify({ a: e.data.a, b: e.data.b })) }))), { ok: true, entries: 4 }, 'key order does not matter');
});

t.test('personal data is dropped; meta becomes columns', async (t) => {
  t.same(redact({ phoneCiphertext: 'x', nested: [{ email: 'a@b', ok: 1 }], recipientCiphertext: 'y', amount: '1' }), { nested: [{ ok: 1 }], amount: '1' });
  const d = describeEvent({
    type: 'payments.payment.failed',
    tenantId: 't',
    json: { meta: { eventId: 'e1', occurredAtMs: '0', actor: { kind: 'mpesa', id: '1', role: '' } }, paymentId: 'p1', reason: 'cancelled' },
    fallback: { eventId: 'm1', requestId: 'r1', receivedAt: 42 },
  });
  t.same(d, {
    eventId: 'e1',
    action: 'payments.payment.failed',
    actor: { kind: 'mpesa', id: '1', role: '' },
    target: { type: 'payment', id: 'p1' },
    sourceIp: '',
    requestId: 'r1',
    occurredAt: 42,
    data: { paymentId: 'p1', reason: 'cancelled' },
  });
});
