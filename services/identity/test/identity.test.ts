import t from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { generate } from 'otplib';
import { Bus, OutboxRelay, destroyNamespace } from '@duka/bus';
import { decodeEvent, events } from '@duka/contracts';
import { createDbPool, sql, withTenant } from '@duka/db';
import { createLogger } from '@duka/log';
import { databaseUrl, eventually, principalHeaders, testInfra, testKeystore, testNamespace } from '@duka/testkit';
import { z } from 'zod';
import { buildApp } from '../src/app.js';
import { TokenSigner } from '../src/signing.js';
import { LoginThrottle } from '../src/throttle.js';
import { OtpState } from '../src/otp.js';

const logger = createLogger({ service: 'identity', level: 'silent' });
const { keystore } = testKeystore();
const namespace = testNamespace();
const pool = await createDbPool(databaseUrl('identity'), { applicationName: 'identity-test' });
const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'identity-test', namespace, logger });
await bus.ensureStreams();
const redis = new Redis(testInfra.redisUrl);
const relay = new OutboxRelay({ bus, pool, schema: 'identity', logger, sweepMs: 200 });
relay.start();
const kv = { jwks: await bus.kv('auth_jwks'), hosts: await bus.kv('tenant_hosts'), revocations: await bus.kv('auth_revocations') };
const backoff = { maxFailures: 5, baseSeconds: 2, maxSeconds: 60 };
const app = await buildApp({
  config: { STORE_DOMAIN: 'duka.localhost', REFRESH_TOKEN_TTL_DAYS: 30 },
  logger,
  pool,
  keystore,
  relay,
  redis,
  signer: new TokenSigner({ pool, keystore, ttlSeconds: 300 }),
  throttle: new LoginThrottle({ redis, namespace, account: backoff, ip: { ...backoff, maxFailures: 50 } }),
  otp: new OtpState({ redis, keystore, namespace }),
  kv,
  principalKey: await keystore.namedKey('internal-principal'),
});

t.teardown(async () => {
  await app.close();
  await relay.stop();
  await destroyNamespace(bus);
  await bus.close();
  await pool.end();
  const keys = await redis.keys(`duka:${namespace}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const ip = () => `10.${randomBytes(3).join('.')}`;
const publicHeaders = (tid = '', from = ip()) => principalHeaders(keystore, { kind: 'public', tid, ip: from });
const slug = () => `shop-${randomBytes(4).toString('hex')}`;
const password = 'correct horse battery';

async function signup(s = slug(), email = `owner-${randomBytes(3).toString('hex')}@example.com`) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: await publicHeaders(),
    payload: { name: 'Mama Mboga', slug: s, owner: { email, phone: '0712 345 678', password } },
  });
  return { res, slug: s, email };
}

async function login(tid: string, email: string, pw = password, from = ip()) {
  return app.inject({ method: 'POST', url: '/v1/auth/login', headers: await publicHeaders(tid, from), payload: { email, password: pw } });
}

t.test('signup creates tenant, owner, JWKS and host, and emits identity.tenant.created', async (t) => {
  const { res, slug: s } = await signup();
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.match(body, { tenant: { id: /^[0-9a-f-]{36}$/, slug: s }, owner: { id: /^[0-9a-f-]{36}$/ } });
  const jwks = (await kv.jwks.get(body.tenant.id))?.json<JSONWebKeySet>();
  t.equal(jwks?.keys.length, 1, 'public JWKS in KV');
  t.notOk(jwks?.keys[0] && 'd' in jwks.keys[0], 'no private part in the JWKS');
  t.equal((await kv.hosts.get(`${s}.duka.localhost`))?.string(), body.tenant.id, 'host in KV');

  const stored = await withTenant(pool, body.tenant.id, (tx) =>
    tx.one(sql.type(z.object({ email_ciphertext: z.string(), phone_ciphertext: z.string(), password_hash: z.string() }))`
      select email_ciphertext, phone_ciphertext, password_hash from identity.users where id = ${body.owner.id}`),
  );
  t.notMatch(stored.email_ciphertext, /@/, 'email encrypted');
  t.equal(await keystore.decrypt(body.tenant.id, stored.phone_ciphertext), '+254712345678', 'phone normalised and encrypted');
  t.match(stored.password_hash, /^\$argon2id\$/);

  const msg = await eventually(async () => {
    const m = await bus.jsm.streams.getMessage(bus.streamName('EVENTS'), { last_by_subj: bus.subject(events['identity.tenant.created'].subject(body.tenant.id)) });
    return m ?? undefined;
  });
  const event = decodeEvent('identity.tenant.created', msg.data);
  t.match(event, { tenantId: body.tenant.id, slug: s, ownerUserId: body.owner.id });
  t.equal(event.meta?.actor?.id, 'public');
  t.ok(event.meta?.requestId, 'request id in meta');
  t.match(event.meta?.sourceIp, /^10\./, 'source ip in meta');
});

t.test('signup refusals', async (t) => {
  const first = await signup();
  t.equal(first.res.statusCode, 201);
  const dup = await signup(first.slug);
  t.equal(dup.res.statusCode, 409, 'duplicate slug');
  t.match(dup.res.json(), { code: 'IDENTITY_SLUG_TAKEN', status: 409, type: 'https://duka.dev/problems/identity-slug-taken' });
  t.match(dup.res.headers['content-type'], /^application\/problem\+json/);

  const unknown = await app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: await publicHeaders(),
    payload: { name: 'x', slug: slug(), owner: { email: 'a@example.com', phone: '0712345678', password }, plan: 'gold' },
  });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json(), { code: 'VALIDATION_FAILED' });
  t.match(unknown.json().detail, /plan/, 'names the unknown field');

  const malformed = await app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: { ...(await publicHeaders()), 'content-type': 'application/json' },
    payload: '{"name": ',
  });
  t.equal(malformed.statusCode, 400);
  t.match(malformed.json(), { code: 'MALFORMED_JSON' });

  const badSlug = await app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: await publicHeaders(),
    payload: { name: 'x', slug: 'Bad_Slug', owner: { email: 'a@example.com', phone: '0712345678', password } },
  });
  t.equal(badSlug.statusCode, 400);
  t.match(badSlug.json().detail, /slug/);

  const weak = await app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: await publicHeaders(),
    payload: { name: 'x', slug: slug(), owner: { email: 'a@example.com', phone: '0712345678', password: 'short' } },
  });
  t.equal(weak.statusCode, 400);
  t.match(weak.json(), { code: 'IDENTITY_WEAK_PASSWORD' });

  const phone = await app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: await publicHeaders(),
    payload: { name: 'x', slug: slug(), owner: { email: 'a@example.com', phone: '0201234567', password } },
  });
  t.equal(phone.statusCode, 400);
  t.match(phone.json(), { code: 'IDENTITY_INVALID_PHONE' });

  const unsigned = await app.inject({ method: 'POST', url: '/v1/tenants', payload: { name: 'x', slug: slug(), owner: { email: 'a@example.com', phone: '0712345678', password } } });
  t.equal(unsigned.statusCode, 401, 'only the gateway may call');
});

t.test('login issues a JWT that verifies against the JWKS in KV', async (t) => {
  const { res, email } = await signup();
  const { tenant, owner } = res.json();
  const ok = await login(tenant.id, email.toUpperCase());
  t.equal(ok.statusCode, 200, 'login succeeds');
  const body = ok.json();
  t.equal(body.expiresIn, 300);
  t.match(body.refreshToken, new RegExp(`^${tenant.id}\\.`));
  const jwks = (await kv.jwks.get(tenant.id))!.json<JSONWebKeySet>();
  const { payload, protectedHeader } = await jwtVerify(body.accessToken, createLocalJWKSet(jwks), {
    issuer: 'duka-identity',
    audience: 'duka',
    algorithms: ['EdDSA'],
  });
  t.equal(protectedHeader.kid, jwks.keys[0]!.kid);
  t.match(payload, { sub: owner.id, tid: tenant.id, role: 'owner', amr: ['pwd'], sid: /^[0-9a-f-]{36}$/ });
  t.equal(payload.exp! - payload.iat!, 300);
  t.equal(decodeProtectedHeader(body.accessToken).alg, 'EdDSA');

  const logged = await eventually(async () =>
    (await bus.jsm.streams.getMessage(bus.streamName('EVENTS'), { last_by_subj: bus.subject(events['identity.user.logged_in'].subject(tenant.id)) })) ?? undefined,
  );
  const e = decodeEvent('identity.user.logged_in', logged.data);
  t.match(e, { userId: owner.id, sessionId: payload.sid });
  t.match(e.meta?.actor, { kind: 'user', id: owner.id, role: 'owner' });
});

t.test('wrong password and unknown email get the same 401; back-off after 5 failures', async (t) => {
  const { res, email } = await signup();
  const { tenant } = res.json();
  const from = ip();
  const wrong = await login(tenant.id, email, 'not the password at all', from);
  t.equal(wrong.statusCode, 401);
  t.match(wrong.headers['content-type'], /^application\/problem\+json/);
  const unknown = await login(tenant.id, 'nobody@example.com', password, from);
  t.equal(unknown.statusCode, 401);
  t.same({ ...unknown.json(), requestId: 0 }, { ...wrong.json(), requestId: 0 }, 'same problem for unknown email');
  t.match(wrong.json(), { code: 'IDENTITY_INVALID_CREDENTIALS', type: 'https://duka.dev/problems/identity-invalid-credentials' });

  const failed = await eventually(async () =>
    (await bus.jsm.streams.getMessage(bus.streamName('EVENTS'), { last_by_subj: bus.subject(events['identity.login.failed'].subject(tenant.id)) })) ?? undefined,
  );
  t.match(decodeEvent('identity.login.failed', failed.data).meta?.actor, { id: 'public' });

  for (let i = 0; i < 4; i++) await login(tenant.id, email, 'not the password at all', ip());
  const locked = await login(tenant.id, email, password, ip());
  t.equal(locked.statusCode, 429, 'account locked after 5 failures, even with the right password');
  t.match(locked.json(), { code: 'IDENTITY_LOGIN_THROTTLED' });
  t.ok(Number(locked.headers['retry-after']) >= 1, 'Retry-After');
  await new Promise((r) => setTimeout(r, Number(locked.headers['retry-after']) * 1000 + 100));
  const after = await login(tenant.id, email, password, ip());
  t.equal(after.statusCode, 200, 'usable again after the lock');

  const noTenant = await app.inject({ method: 'POST', url: '/v1/auth/login', headers: await publicHeaders(''), payload: { email, password } });
  t.equal(noTenant.statusCode, 400);
  t.match(noTenant.json(), { code: 'IDENTITY_TENANT_REQUIRED' });
});

t.test('refresh rotates; reusing a spent token revokes the family', async (t) => {
  const { res, email } = await signup();
  const { tenant } = res.json();
  const first = (await login(tenant.id, email)).json();
  const refresh = async (token: string, tid = '') =>
    app.inject({ method: 'POST', url: '/v1/auth/refresh', headers: await publicHeaders(tid), payload: { refreshToken: token } });

  const second = await refresh(first.refreshToken);
  t.equal(second.statusCode, 200, 'refresh succeeds');
  const pair2 = second.json();
  t.not(pair2.refreshToken, first.refreshToken, 'a new refresh token');
  t.ok(pair2.accessToken);

  const third = await refresh(pair2.refreshToken, tenant.id);
  t.equal(third.statusCode, 200, 'rotation continues in the family');
  const pair3 = third.json();

  const reuse = await refresh(first.refreshToken);
  t.equal(reuse.statusCode, 401, 'a spent token is refused');
  t.match(reuse.json(), { code: 'IDENTITY_INVALID_REFRESH_TOKEN' });
  const afterReuse = await refresh(pair3.refreshToken);
  t.equal(afterReuse.statusCode, 401, 'the whole family is revoked');

  const other = await refresh(`${randomUUID()}.${randomBytes(32).toString('base64url')}`);
  t.equal(other.statusCode, 401, 'unknown token');
  const garbage = await refresh('garbage');
  t.equal(garbage.statusCode, 401);
  const fresh = (await login(tenant.id, email)).json();
  const wrongTenant = await refresh(fresh.refreshToken, randomUUID());
  t.equal(wrongTenant.statusCode, 401, 'a token presented under another tenant');
});

t.test('logout-all revokes sessions and writes auth_revocations', async (t) => {
  const { res, email } = await signup();
  const { tenant, owner } = res.json();
  const pair = (await login(tenant.id, email)).json();
  const viewer = await app.inject({
    method: 'POST',
    url: '/v1/auth/logout-all',
    headers: await principalHeaders(keystore, { kind: 'user', tid: tenant.id, sub: randomUUID(), role: 'viewer' }),
  });
  t.equal(viewer.statusCode, 403, 'viewer may not');
  const out = await app.inject({
    method: 'POST',
    url: '/v1/auth/logout-all',
    headers: await principalHeaders(keystore, { kind: 'user', tid: tenant.id, sub: owner.id, role: 'owner', sid: randomUUID(), amr: ['pwd'] }),
  });
  t.equal(out.statusCode, 204, out.body);
  const nbf = Number((await kv.revocations.get(tenant.id))?.string());
  t.ok(nbf > Date.now() - 10_000, 'not-before in KV');
  const refresh = await app.inject({ method: 'POST', url: '/v1/auth/refresh', headers: await publicHeaders(), payload: { refreshToken: pair.refreshToken } });
  t.equal(refresh.statusCode, 401, 'refresh refused after logout-all');
});

t.test('RLS: the service role sees only the current tenant', async (t) => {
  const a = (await signup()).res.json();
  const b = (await signup()).res.json();
  const count = z.object({ n: z.number() });
  const seenFromA = await withTenant(pool, a.tenant.id, (tx) =>
    tx.one(sql.type(count)`select count(*)::int as n from identity.users where tenant_id = ${b.tenant.id}`),
  );
  t.equal(seenFromA.n, 0, "tenant A cannot see tenant B's users");
  const own = await withTenant(pool, a.tenant.id, (tx) => tx.one(sql.type(count)`select count(*)::int as n from identity.users`));
  t.equal(own.n, 1, 'only its own owner');
  const noTenant = await pool.one(sql.type(count)`select count(*)::int as n from identity.users`);
  t.equal(noTenant.n, 0, 'no tenant set: no rows');
  const tenants = await withTenant(pool, a.tenant.id, (tx) => tx.one(sql.type(count)`select count(*)::int as n from identity.tenants`));
  t.equal(tenants.n, 1, 'tenants table is isolated too');
  await t.rejects(
    withTenant(pool, a.tenant.id, (tx) =>
      tx.query(sql.unsafe`insert into identity.tenants (id, tenant_id, slug, name) values (${b.tenant.id}, ${b.tenant.id}, ${slug()}, 'x')`),
    ),
    'cannot write another tenant row',
  );
  await t.rejects(pool.query(sql.unsafe`delete from identity.users`), 'no DELETE grant');
});

t.test('TOTP for owners: enrolment, second login step, step-up', async (t) => {
  const { res, email } = await signup();
  const { tenant, owner } = res.json();
  const first = (await login(tenant.id, email)).json();
  const sid = decodeJwt(first.accessToken).sid as string;
  const ownerHeaders = () => principalHeaders(keystore, { kind: 'user', tid: tenant.id, sub: owner.id, role: 'owner', sid, amr: ['pwd'] });
  const code = (offsetSeconds: number, secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

  const setup = await app.inject({ method: 'POST', url: '/v1/auth/totp/setup', headers: await ownerHeaders() });
  t.equal(setup.statusCode, 200);
  const { secret, otpauthUri } = setup.json();
  t.match(otpauthUri, /^otpauth:\/\/totp\//);
  const staffSetup = await app.inject({
    method: 'POST',
    url: '/v1/auth/totp/setup',
    headers: await principalHeaders(keystore, { kind: 'user', tid: tenant.id, sub: randomUUID(), role: 'staff' }),
  });
  t.equal(staffSetup.statusCode, 403, 'owners only');

  const wrongConfirm = await app.inject({ method: 'POST', url: '/v1/auth/totp/confirm', headers: await ownerHeaders(), payload: { code: '000000' } });
  t.equal(wrongConfirm.statusCode, 401);
  const confirm = await app.inject({ method: 'POST', url: '/v1/auth/totp/confirm', headers: await ownerHeaders(), payload: { code: await code(-30, secret) } });
  t.equal(confirm.statusCode, 204, 'enrolled');

  const up = await app.inject({ method: 'POST', url: '/v1/auth/step-up', headers: await ownerHeaders(), payload: { code: await code(0, secret) } });
  t.equal(up.statusCode, 200, 'step-up');
  t.same(decodeJwt(up.json().accessToken).amr, ['pwd', 'otp']);
  t.equal(decodeJwt(up.json().accessToken).sid, sid, 'same session');
  const replay = await app.inject({ method: 'POST', url: '/v1/auth/step-up', headers: await ownerHeaders(), payload: { code: await code(0, secret) } });
  t.equal(replay.statusCode, 401, 'a code works once');

  const step1 = await login(tenant.id, email);
  t.equal(step1.statusCode, 200);
  t.match(step1.json(), { mfaRequired: true, challenge: String });
  t.notOk(step1.json().accessToken, 'no token before the second factor');
  const challenge = step1.json().challenge;
  const wrong = await app.inject({ method: 'POST', url: '/v1/auth/login/otp', headers: await publicHeaders(tenant.id), payload: { challenge, code: '123456' } });
  t.equal(wrong.statusCode, 401);
  t.match(wrong.json(), { code: 'IDENTITY_INVALID_OTP' });
  const ok = await app.inject({ method: 'POST', url: '/v1/auth/login/otp', headers: await publicHeaders(tenant.id), payload: { challenge, code: await code(30, secret) } });
  t.equal(ok.statusCode, 200, 'second step');
  t.same(decodeJwt(ok.json().accessToken).amr, ['pwd', 'otp']);
  const again = await app.inject({ method: 'POST', url: '/v1/auth/login/otp', headers: await publicHeaders(tenant.id), payload: { challenge, code: await code(30, secret) } });
  t.equal(again.statusCode, 401, 'a challenge works once');
});
