/**
 * `make bench`: measures the platform as it runs, on this machine, through real processes (loopback only, bounded).
 *   1. storefront reads through the gateway (autocannon, BENCH_SECONDS each, 20 connections);
 *   2. the same reads straight to catalog (with a signed principal), to price the gateway hop;
 *   3. checkouts end to end: time to the 202, and time until the payment is `succeeded` (simulator callback
 *      delay BENCH_SIM_DELAY_MS, default 0).
 * Prints a markdown table for BENCHMARKS.md.
 */
import autocannon from 'autocannon';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Bus, destroyNamespace } from '@duka/bus';
import { createLogger } from '@duka/log';
import { DukaApi, databaseUrl, principalHeaders, repoRoot, startStack, testInfra, testKeystore, testNamespace } from '@duka/testkit';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const checkouts = Number(process.env.BENCH_CHECKOUTS ?? 200);
const namespace = testNamespace();
const ks = testKeystore();
// BENCH_ENV (JSON) is given to every service: compare settings, e.g. '{"OTEL_SDK_DISABLED":"true"}'.
const extra = JSON.parse(process.env.BENCH_ENV ?? '{}') as Record<string, string>;
const unlimited = { ...extra, RATE_LIMIT_PER_MINUTE: '100000000', RATE_LIMIT_AUTH_PER_MINUTE: '100000000', RATE_LIMIT_TENANT_PER_MINUTE: '100000000', RATE_LIMIT_USER_PER_MINUTE: '100000000' };

const stack = await startStack({
  root: repoRoot,
  ports: 'random',
  databaseUrls: Object.fromEntries(['identity', 'catalog', 'payments', 'webhook-ingest', 'audit', 'notifications'].map((s) => [s, databaseUrl(s)])),
  natsUrl: testInfra.natsUrl,
  redisUrl: testInfra.redisUrl,
  namespace,
  keystorePath: ks.path,
  sim: { consumerKey: 'bench', consumerSecret: randomBytes(8).toString('hex'), shortcode: '174379', passkey: randomBytes(32).toString('hex'), callbackDelayMs: Number(process.env.BENCH_SIM_DELAY_MS ?? 0) },
  logDir: join(repoRoot, '.data', 'logs', 'bench', namespace),
  logLevel: 'warn',
  env: Object.fromEntries(['gateway', 'identity', 'catalog', 'payments', 'webhook-ingest', 'audit', 'notifications'].map((n) => [n, unlimited])),
});

const rows: string[] = [];
const pct = (arr: number[], p: number) => arr.sort((a, b) => a - b)[Math.min(arr.length - 1, Math.floor((arr.length * p) / 100))] ?? NaN;

async function load(title: string, url: string, headers: Record<string, string>) {
  const r = await autocannon({ url, connections: 20, duration: seconds, headers });
  rows.push(`| ${title} | ${Math.round(r.requests.average)} req/s | p50 ${r.latency.p50} ms | p99 ${r.latency.p99} ms | ${r.non2xx} non-2xx |`);
}

try {
  const api = new DukaApi(stack.url('gateway'));
  const slug = `bench-${randomBytes(3).toString('hex')}`;
  const owner = { email: `o@${slug}.example`, phone: '0700000001', password: randomBytes(12).toString('base64url') };
  const tenantId = (await api.signup({ name: 'Bench', slug, owner })).body.tenant.id;
  const token = (await api.as(tenantId).login(owner.email, owner.password)).body.accessToken;
  const panel = api.as(tenantId, token);
  for (let i = 0; i < 20; i++) await panel.createProduct({ name: `Item ${i}`, priceCents: 10_000 * (i + 1), currency: 'KES', published: true });
  const productId = (await api.as(tenantId).storeProducts()).body.items[0]!.id;

  await load('GET /v1/store/products via gateway', `${stack.url('gateway')}/v1/store/products`, { 'x-tenant-id': tenantId });
  const signed = await principalHeaders(ks.keystore, { kind: 'public', tid: tenantId });
  await load('GET /v1/store/products direct to catalog', `${stack.url('catalog')}/v1/store/products`, signed);

  const shopper = api.as(tenantId);
  const accept: number[] = [];
  const settle: number[] = [];
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < checkouts) {
        next++;
        const t0 = performance.now();
        const res = await shopper.checkout(randomUUID(), { items: [{ productId, quantity: 1 }], phone: '0712345678' });
        accept.push(performance.now() - t0);
        const final = await shopper.waitForFinalPayment(res.body.paymentId, 60_000);
        if (final.body.status === 'succeeded') settle.push(performance.now() - t0);
      }
    }),
  );
  const wall = (Date.now() - started) / 1000;
  rows.push(`| POST /v1/checkout -> 202 (${checkouts}, 10 at once) | ${(checkouts / wall).toFixed(1)} checkouts/s | p50 ${pct(accept, 50).toFixed(0)} ms | p99 ${pct(accept, 99).toFixed(0)} ms | |`);
  rows.push(`| checkout -> payment succeeded | ${settle.length}/${checkouts} succeeded | p50 ${pct(settle, 50).toFixed(0)} ms | p99 ${pct(settle, 99).toFixed(0)} ms | |`);
} finally {
  await stack.stop();
  const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'bench-clean', namespace, logger: createLogger({ service: 'bench', level: 'silent' }) });
  await destroyNamespace(bus);
  await bus.close();
}

process.stdout.write(`\n| what | throughput | median | p99 | errors |\n|---|---|---|---|---|\n${rows.join('\n')}\n`);
