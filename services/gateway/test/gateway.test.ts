import t from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { Bus, destroyNamespace } from '@duka/bus';
import { parseConfig } from '@duka/config';
import { createServiceApp, z } from '@duka/http';
import { createLogger } from '@duka/log';
import { signPrincipal } from '@duka/secrets';
import { eventually, testInfra, testKeystore, testNamespace } from '@duka/testkit';
import { buildApp } from '../src/app.js';
import { AccessTokenVerifier } from '../src/auth/access-token.js';
import { AuthDirectory } from '../src/auth/directory.js';
import { gatewaySettings } from '../src/config.js';

const logger = createLogger({ service: 'gateway', level: 'silent' });
const { keystore } = testKeystore();
const principalKey = await keystore.namedKey('internal-principal');
const namespace = testNamespace();
const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'gateway-test', namespace, logger });
const redis = new Redis(testInfra.redisUrl);
const kv = { hosts: await bus.kv('tenant_hosts'), jwks: await bus.kv('auth_jwks'), revocations: await bus.kv('auth_revocations') };

// A stand-in service built like every Duka service: it verifies the gateway's signature itself.
const upstream = createServiceApp({ service: 'upstream', logger, principalKey });
const echo = async (request: import('fastify').FastifyRequest) => ({
  principal: request.principal,
  requestId: request.headers['x-request-id'],
  forwardedFor: request.headers['x-forwarded-for'],
  sawAuthorization: 'authorization' in request.headers,
  body: request.body ?? null,
});
upstream.post('/v1/products', { config: { permission: 'public' }, schema: { body: z.object({ name: z.string() }).strict() } }, async (request, reply) =>
  reply.code(201).send(await echo(request)),
);
upstream.get('/v1/products', { config: { permission: 'public' } }, echo);
upstream.get('/v1/audit', { config: { permission: 'audit:read' } }, echo);
upstream.post('/v1/auth/login', { config: { permission: 'public' } }, echo);
upstream.post('/v1/tenants', { config: { permission: 'public' } }, async (request, reply) => reply.code(201).send(await echo(request)));
const upstreamUrl = await upstream.listen({ port: 0, host: '127.0.0.1' });

const config = parseConfig(gatewaySettings, {
  DUKA_NAMESPACE: namespace,
  IDENTITY_URL: upstreamUrl,
  CATALOG_URL: upstreamUrl,
  AUDIT_URL: upstreamUrl,
  PAYMENTS_URL: 'http://127.0.0.1:9', // nothing listens there
  CORS_ORIGINS: 'https://panel.example',
  RATE_LIMIT_AUTH_PER_MINUTE: '3',
});
const directory = await AuthDirectory.start(kv, logger);
const app = await buildApp({ config, logger, redis, directory, verifier: new AccessTokenVerifier(directory), principalKey });

t.teardown(async () => {
  await app.close();
  await upstream.close();
  await directory.stop();
  await destroyNamespace(bus);
  await bus.close();
  const keys = await redis.keys(`duka:${namespace}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

interface TenantKeys {
  id: string;
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function tenantWithKey(publish = true): Promise<TenantKeys> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA');
  const kid = randomBytes(8).toString('hex');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const tenant = { id: randomUUID(), kid, privateKey, jwk };
  if (publish) await kv.jwks.put(tenant.id, JSON.stringify({ keys: [jwk] }));
  return tenant;
}

function token(tenant: TenantKeys, over: { sub?: string; role?: string; exp?: number; iat?: number; kid?: string; key?: CryptoKey; iss?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tid: tenant.id, role: over.role ?? 'owner', sid: randomUUID(), amr: ['pwd'] })
    .setProtectedHeader({ alg: 'EdDSA', kid: over.kid ?? tenant.kid, typ: 'JWT' })
    .setIssuer(over.iss ?? 'duka-identity')
    .setAudience('duka')
    .setSubject(over.sub ?? randomUUID())
    .setIssuedAt(over.iat ?? now)
    .setExpirationTime(over.exp ?? now + 300)
    .sign(over.key ?? tenant.privateKey);
}

const A = await tenantWithKey();
const B = await tenantWithKey();
await kv.hosts.put('a-shop.duka.localhost', A.id);

const get = (headers: Record<string, string>, url = '/v1/products') => app.inject({ method: 'GET', url, headers });

t.test('a signed-in request reaches the upstream with a principal it verifies', async (t) => {
  const sub = randomUUID();
  const res = await app.inject({
    method: 'POST',
    url: '/v1/products',
    headers: { authorization: `Bearer ${await token(A, { sub, role: 'staff' })}`, 'x-tenant-id': A.id, 'x-request-id': 'req-test-0001' },
    payload: { name: 'Unga' },
  });
  t.equal(res.statusCode, 201, 'status preserved');
  t.match(res.headers['content-type'], /^application\/json/);
  const body = res.json();
  t.match(body.principal, { kind: 'user', tid: A.id, sub, role: 'staff', amr: ['pwd'], ip: '127.0.0.1' });
  t.equal(body.requestId, 'req-test-0001', 'x-request-id forwarded');
  t.equal(res.headers['x-request-id'], 'req-test-0001');
  t.equal(body.forwardedFor, '127.0.0.1');
  t.equal(body.sawAuthorization, false, 'bearer token not forwarded');
  t.same(body.body, { name: 'Unga' }, 'body preserved');
  t.ok(res.headers['x-content-type-options'], 'helmet headers');

  const problem = await app.inject({
    method: 'POST',
    url: '/v1/products',
    headers: { 'x-tenant-id': A.id, 'content-type': 'application/json' },
    payload: '{"name": "x", "extra": 1}',
  });
  t.equal(problem.statusCode, 400, 'upstream problem passes through');
  t.match(problem.headers['content-type'], /^application\/problem\+json/);
  t.match(problem.json(), { code: 'VALIDATION_FAILED' });

  const malformed = await app.inject({ method: 'POST', url: '/v1/products', headers: { 'x-tenant-id': A.id, 'content-type': 'application/json' }, payload: '{"name":' });
  t.equal(malformed.statusCode, 400);
  t.match(malformed.json(), { code: 'MALFORMED_JSON' });
});

t.test('tenant resolution', async (t) => {
  const byHost = await get({ host: 'a-shop.duka.localhost:8080' });
  t.equal(byHost.statusCode, 200);
  t.match(byHost.json().principal, { kind: 'public', tid: A.id });
  const byHeader = await get({ 'x-tenant-id': B.id });
  t.match(byHeader.json().principal, { kind: 'public', tid: B.id });
  const none = await get({ host: 'unknown.duka.localhost' });
  t.match(none.json().principal, { kind: 'public', tid: '' });
  const fromToken = await get({ authorization: `Bearer ${await token(B)}` });
  t.match(fromToken.json().principal, { kind: 'user', tid: B.id }, "the token's tenant when nothing else says");
  const signup = await app.inject({ method: 'POST', url: '/v1/tenants', headers: { authorization: 'Bearer expired.or.junk' }, payload: { name: 'x' } });
  t.equal(signup.statusCode, 201);
  t.match(signup.json().principal, { kind: 'public', tid: '', ip: '127.0.0.1' }, 'signup: public principal without a tenant, a stale bearer ignored');
  const bad = await get({ 'x-tenant-id': 'not-a-uuid' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { code: 'GATEWAY_INVALID_TENANT' });
  const unknown = await get({ 'x-tenant-id': '00000000-0000-4000-8000-000000000000' });
  t.equal(unknown.statusCode, 404, 'a tenant id nobody signed up with');
  t.match(unknown.json(), { code: 'GATEWAY_UNKNOWN_TENANT' });
});

t.test('a URL the upstream could not decode, and an empty body, are forwarded or refused cleanly', async (t) => {
  const badQuery = await get({ 'x-tenant-id': A.id }, '/v1/store/products?cursor=%ZZ');
  t.equal(badQuery.statusCode, 400);
  t.match(badQuery.json(), { code: 'BAD_URL' });
  const empty = await app.inject({ method: 'POST', url: '/v1/products', headers: { 'x-tenant-id': A.id, 'content-type': 'application/json' } });
  t.not(empty.statusCode, 500);
  t.notMatch(empty.body, /Buffer/, 'the empty body is not sent on as a serialised Buffer');
});

t.test('absent, forged, expired and foreign tokens', async (t) => {
  const absent = await get({ 'x-tenant-id': A.id }, '/v1/audit');
  t.equal(absent.statusCode, 401, 'no token on an owner route: the service refuses');
  t.match(absent.headers['content-type'], /^application\/problem\+json/);

  const other = await generateKeyPair('EdDSA');
  const forged = await get({ authorization: `Bearer ${await token(A, { key: other.privateKey })}` });
  t.equal(forged.statusCode, 401, 'signed with another key');
  t.match(forged.json(), { code: 'GATEWAY_INVALID_TOKEN', type: 'https://duka.dev/problems/gateway-invalid-token' });
  t.match(forged.headers['content-type'], /^application\/problem\+json/);

  const now = Math.floor(Date.now() / 1000);
  const expired = await get({ authorization: `Bearer ${await token(A, { iat: now - 900, exp: now - 600 })}` });
  t.equal(expired.statusCode, 401, 'expired');
  t.match(expired.json().detail, /expired/);

  const wrongIss = await get({ authorization: `Bearer ${await token(A, { iss: 'someone-else' })}` });
  t.equal(wrongIss.statusCode, 401, 'wrong issuer');

  const hs = await new SignJWT({ tid: A.id, role: 'owner', sid: 'x' })
    .setProtectedHeader({ alg: 'HS256', kid: A.kid })
    .setIssuer('duka-identity')
    .setAudience('duka')
    .setSubject(randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JSON.stringify(A.jwk)));
  t.equal((await get({ authorization: `Bearer ${hs}` })).statusCode, 401, 'HS256 refused');
  t.equal((await get({ authorization: 'Bearer not.a.jwt' })).statusCode, 401, 'garbage');
  t.equal((await get({ authorization: 'Basic abc' })).statusCode, 401, 'not a bearer');

  const foreign = await get({ authorization: `Bearer ${await token(A)}`, 'x-tenant-id': B.id });
  t.equal(foreign.statusCode, 403, "tenant A's token with X-Tenant-ID of B");
  t.match(foreign.json(), { code: 'GATEWAY_TENANT_MISMATCH' });
  const foreignHost = await get({ authorization: `Bearer ${await token(B)}`, host: 'a-shop.duka.localhost' });
  t.equal(foreignHost.statusCode, 403, "tenant B's token on tenant A's host");
});

t.test('incoming x-duka-* headers are stripped', async (t) => {
  const fake = signPrincipal(randomBytes(32), { kind: 'user', tid: A.id, sub: randomUUID(), role: 'owner', iat: Date.now() });
  const res = await get({ 'x-tenant-id': A.id, 'x-duka-principal': fake.principal, 'x-duka-principal-sig': fake.signature, 'x-duka-extra': '1' });
  t.equal(res.statusCode, 200);
  t.match(res.json().principal, { kind: 'public', tid: A.id }, 'the upstream saw the gateway principal, not the forged one');
  t.notOk(res.json().principal.role);
  const owner = await get({ 'x-tenant-id': A.id, 'x-duka-principal': fake.principal, 'x-duka-principal-sig': fake.signature }, '/v1/audit');
  t.equal(owner.statusCode, 401, 'a forged principal grants nothing');
});

t.test('keys published to KV are usable at once; revocations apply', async (t) => {
  const C = await tenantWithKey();
  const res = await get({ authorization: `Bearer ${await token(C)}` });
  t.equal(res.statusCode, 200, 'fresh key works immediately');

  const sub = randomUUID();
  const before = await token(C, { sub, iat: Math.floor(Date.now() / 1000) - 5 });
  await kv.revocations.put(C.id, String(Date.now()));
  await eventually(async () => (await get({ authorization: `Bearer ${before}` })).statusCode === 401);
  const revoked = await get({ authorization: `Bearer ${before}` });
  t.match(revoked.json(), { code: 'GATEWAY_TOKEN_REVOKED' });
  await new Promise((r) => setTimeout(r, 1100));
  t.equal((await get({ authorization: `Bearer ${await token(C)}` })).statusCode, 200, 'tokens issued after the revocation pass');

  const D = await tenantWithKey();
  const user = randomUUID();
  const old = await token(D, { sub: user, iat: Math.floor(Date.now() / 1000) - 5 });
  const bystander = await token(D, { iat: Math.floor(Date.now() / 1000) - 5 });
  await kv.revocations.put(`${D.id}.${user}`, String(Date.now()));
  await eventually(async () => (await get({ authorization: `Bearer ${old}` })).statusCode === 401);
  t.equal((await get({ authorization: `Bearer ${bystander}` })).statusCode, 200, 'one user revoked, not the others');

  const unknownTenant = await tenantWithKey(false);
  t.equal((await get({ authorization: `Bearer ${await token(unknownTenant)}` })).statusCode, 401, 'tenant without JWKS');
});

t.test('unreachable upstream is a 503 problem', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/payments/abc', headers: { 'x-tenant-id': A.id } });
  t.equal(res.statusCode, 503);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.match(res.json(), { code: 'GATEWAY_UPSTREAM_UNAVAILABLE', status: 503 });
});

t.test('limits, CORS and unknown routes', async (t) => {
  const remoteAddress = `10.9.${randomBytes(2).join('.')}`;
  const codes: number[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress, headers: { 'x-tenant-id': A.id }, payload: { email: 'a@b.c', password: 'x' } });
    codes.push(r.statusCode);
    if (r.statusCode === 429) {
      t.match(r.headers['content-type'], /^application\/problem\+json/);
      t.ok(Number(r.headers['retry-after']) >= 1, 'Retry-After');
    }
  }
  t.same(codes, [200, 200, 200, 429], 'auth routes: per-IP limit');
  const other = await app.inject({ method: 'GET', url: '/v1/products', remoteAddress, headers: { 'x-tenant-id': A.id } });
  t.equal(other.statusCode, 200, 'other routes keep the general limit');

  const big = await app.inject({
    method: 'POST',
    url: '/v1/products',
    headers: { 'x-tenant-id': A.id, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'x'.repeat(70 * 1024) }),
  });
  t.equal(big.statusCode, 413, 'body limit');
  t.match(big.headers['content-type'], /^application\/problem\+json/);

  const allowed = await app.inject({ method: 'OPTIONS', url: '/v1/products', headers: { origin: 'https://panel.example', 'access-control-request-method': 'POST' } });
  t.equal(allowed.headers['access-control-allow-origin'], 'https://panel.example');
  const refused = await app.inject({ method: 'OPTIONS', url: '/v1/products', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  t.notOk(refused.headers['access-control-allow-origin'], 'origin not in the allow-list');

  const missing = await app.inject({ method: 'GET', url: '/v1/nothing' });
  t.equal(missing.statusCode, 404);
  t.match(missing.headers['content-type'], /^application\/problem\+json/);
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
});
