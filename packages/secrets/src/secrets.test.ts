import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalKeyStore, signPrincipal, verifyPrincipal } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'duka-keys-'));
const path = join(dir, 'master.key');
const tenantA = '11111111-1111-4111-8111-111111111111';
const tenantB = '22222222-2222-4222-8222-222222222222';

t.test('envelope encryption round-trips and is bound to the tenant', async (t) => {
  const ks = new LocalKeyStore(path);
  const ct = await ks.encrypt(tenantA, '+254700000001');
  t.notMatch(ct, /700000001/);
  t.equal(await ks.decrypt(tenantA, ct), '+254700000001');
  await t.rejects(ks.decrypt(tenantB, ct), 'another tenant cannot open it');
  t.not(await ks.encrypt(tenantA, '+254700000001'), ct, 'each value gets its own data key and nonce');
});

t.test('the master key persists and is shared by every process reading the file', async (t) => {
  const a = new LocalKeyStore(path);
  const b = new LocalKeyStore(path);
  t.equal(await b.decrypt(tenantA, await a.encrypt(tenantA, 'x')), 'x');
  t.same(await a.namedKey('internal-principal'), await b.namedKey('internal-principal'));
  t.equal((readFileSync(path).length > 40), true);
});

t.test('blind indexes are stable per tenant and differ across tenants', async (t) => {
  const ks = new LocalKeyStore(path);
  t.equal(await ks.blindIndex(tenantA, 'email', 'a@b.co'), await ks.blindIndex(tenantA, 'email', 'a@b.co'));
  t.not(await ks.blindIndex(tenantA, 'email', 'a@b.co'), await ks.blindIndex(tenantB, 'email', 'a@b.co'));
});

t.test('tenant secrets are stored sealed', async (t) => {
  const ks = new LocalKeyStore(path);
  t.equal(await ks.readTenantSecret(tenantA, 'mpesa'), null);
  await ks.writeTenantSecret(tenantA, 'mpesa', { passkey: 'very-secret-passkey' });
  t.same(await ks.readTenantSecret(tenantA, 'mpesa'), { passkey: 'very-secret-passkey' });
  t.equal(readFileSync(join(dir, 'kv', tenantA, 'mpesa.sealed'), 'utf8').includes('very-secret'), false);
});

t.test('principals verify only with the right key and while fresh', async (t) => {
  const ks = new LocalKeyStore(path);
  const key = await ks.namedKey('internal-principal');
  const p = { kind: 'user' as const, tid: tenantA, sub: 'u1', role: 'owner' as const, iat: Date.now() };
  const h = signPrincipal(key, p);
  t.same(verifyPrincipal(key, h.principal, h.signature), p);
  t.equal(verifyPrincipal(await ks.namedKey('other'), h.principal, h.signature), null, 'wrong key');
  const forged = Buffer.from(JSON.stringify({ ...p, role: 'owner', tid: tenantB })).toString('base64url');
  t.equal(verifyPrincipal(key, forged, h.signature), null, 'tampered body');
  t.equal(verifyPrincipal(key, h.principal, h.signature, Date.now() + 120_000), null, 'stale');
});
