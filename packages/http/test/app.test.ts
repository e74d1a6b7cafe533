import t from 'tap';
import { createLogger } from '@duka/log';
import { createServiceApp, defineErrors, z } from '@duka/http';
import { principalHeaders, testKeystore } from '@duka/testkit';

const { keystore } = testKeystore();
const principalKey = await keystore.namedKey('internal-principal');
const errors = defineErrors({ DEMO_TEAPOT: { status: 418, title: 'I am a teapot' } });
const tid = '11111111-1111-4111-8111-111111111111';

async function build() {
  const app = createServiceApp({ service: 'demo', logger: createLogger({ service: 'demo', level: 'silent' }), principalKey, readiness: { ok: async () => 1 } });
  app.post('/things', { config: { permission: 'products:write' }, schema: { body: z.object({ name: z.string().min(1), priceCents: z.number().int() }).strict() } },
    async (req, reply) => reply.code(201).send({ name: req.body.name, by: req.principal?.sub }));
  app.get('/teapot', { config: { permission: 'public' } }, async () => { throw errors.DEMO_TEAPOT('short and stout'); });
  app.get('/crash', { config: { permission: 'public' } }, async () => { throw new Error('secret internals 0700000001'); });
  await app.ready();
  return app;
}

const owner = await principalHeaders(keystore, { kind: 'user', tid, sub: 'u1', role: 'owner' });
const viewer = await principalHeaders(keystore, { kind: 'user', tid, sub: 'u2', role: 'viewer' });

t.test('a route without a permission refuses to register', async (t) => {
  const app = createServiceApp({ service: 'demo', logger: createLogger({ service: 'demo', level: 'silent' }), principalKey });
  t.throws(() => app.get('/open', async () => 'x'), /declares no permission/);
});

t.test('permissions are enforced from the signed principal', async (t) => {
  const app = await build();
  const body = { name: 'Tea', priceCents: 100 };
  t.equal((await app.inject({ method: 'POST', url: '/things', payload: body })).statusCode, 401, 'unsigned');
  t.equal((await app.inject({ method: 'POST', url: '/things', payload: body, headers: viewer })).statusCode, 403, 'viewer');
  const ok = await app.inject({ method: 'POST', url: '/things', payload: body, headers: owner });
  t.equal(ok.statusCode, 201);
  t.equal(ok.json().by, 'u1');
  const forged = { ...viewer, 'x-duka-principal-sig': owner['x-duka-principal-sig']! };
  t.equal((await app.inject({ method: 'POST', url: '/things', payload: body, headers: forged })).statusCode, 401, 'forged');
});

t.test('bad input is a 400 problem naming the field', async (t) => {
  const app = await build();
  const unknown = await app.inject({ method: 'POST', url: '/things', payload: { name: 'Tea', priceCents: 1, extra: true }, headers: owner });
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.equal(unknown.json().type, 'https://duka.dev/problems/validation-failed');
  t.same(unknown.json().errors, [{ field: 'body.extra', message: 'unknown field' }]);
  const wrongType = await app.inject({ method: 'POST', url: '/things', payload: { name: 'Tea', priceCents: '1' }, headers: owner });
  t.equal(wrongType.json().errors[0].field, 'body.priceCents');
  const malformed = await app.inject({ method: 'POST', url: '/things', body: '{"name":', headers: { ...owner, 'content-type': 'application/json' } });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().code, 'MALFORMED_JSON');
  t.ok(malformed.json().requestId);
});

t.test('registry errors and crashes become problems; a crash reveals nothing', async (t) => {
  const app = await build();
  const tea = await app.inject({ method: 'GET', url: '/teapot', headers: owner });
  t.equal(tea.statusCode, 418);
  t.match(tea.json(), { type: 'https://duka.dev/problems/demo-teapot', title: 'I am a teapot', detail: 'short and stout', status: 418 });
  const crash = await app.inject({ method: 'GET', url: '/crash', headers: { ...owner, 'x-request-id': 'req-abcdefgh' } });
  t.equal(crash.statusCode, 500);
  t.notMatch(crash.body, /secret|0700000001/);
  t.equal(crash.json().requestId, 'req-abcdefgh');
  t.equal((await app.inject({ method: 'GET', url: '/nope' })).json().code, 'NOT_FOUND');
});

t.test('health and readiness answer without a principal', async (t) => {
  const app = await build();
  t.equal((await app.inject('/healthz')).statusCode, 200);
  t.same((await app.inject('/readyz')).json().checks, { ok: 'ok' });
});

t.test('a NUL character anywhere in the input is a 400 naming the field, never a database error', async (t) => {
  const app = await build();
  const res = await app.inject({ method: 'POST', url: '/things', payload: { name: 'a\u0000b', priceCents: 1 }, headers: owner });
  t.equal(res.statusCode, 400);
  t.same(res.json().errors, [{ field: 'body.name', message: 'must not contain the NUL character' }]);
  const q = await app.inject({ method: 'GET', url: '/teapot?x=%00', headers: owner });
  t.equal(q.statusCode, 400);
  t.equal(q.json().errors[0].field, 'query.x');
});

t.test('framework and socket-level errors are problems too, and 404 does not echo the path', async (t) => {
  const app = await build();
  const badUrl = await app.inject({ method: 'GET', url: '/things/%ZZ', headers: owner });
  t.equal(badUrl.statusCode, 400);
  t.equal(badUrl.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.equal(badUrl.json().code, 'BAD_URL');
  const missing = await app.inject({ method: 'GET', url: '/nothing/0712345678' });
  t.notMatch(missing.body, /0712345678/);
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => app.close());
  const { port } = app.server.address() as { port: number };
  const huge = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { 'x-big': 'a'.repeat(20_000) } });
  t.equal(huge.status, 431);
  t.equal(huge.headers.get('content-type'), 'application/problem+json');
  t.match(await huge.json(), { status: 431, code: 'HEADERS_TOO_LARGE' });
});

t.test('keyset cursors round-trip, and a forged or malformed cursor is refused', async (t) => {
  const { decodeCursor, encodeCursor, keysetPage } = await import('@duka/http');
  const schema = z.object({ seq: z.number().int().min(1) });
  t.same(decodeCursor(encodeCursor({ seq: 7 }), schema), { seq: 7 });
  t.equal(decodeCursor(encodeCursor({ seq: -1 }), schema), null, 'out of range');
  t.equal(decodeCursor(encodeCursor({ seq: "1' or 1=1" }), schema), null, 'wrong type');
  t.equal(decodeCursor('%%%not-base64', schema), null);
  const rows = [{ seq: 5 }, { seq: 4 }, { seq: 3 }];
  const first = keysetPage(rows, 2, (r) => ({ seq: r.seq }));
  t.same(first.items, [{ seq: 5 }, { seq: 4 }]);
  t.same(decodeCursor(first.nextCursor!, schema), { seq: 4 });
  t.equal(keysetPage(rows, 3, (r) => ({ seq: r.seq })).nextCursor, null, 'no next page when the fetch was not over the limit');
});
