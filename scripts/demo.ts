/**
 * `make demo`: the whole M-Pesa checkout through the gateway's public API, against a running `make start`.
 * A merchant signs up, signs in and adds a product; a shopper checks out and pays by STK push (the simulator
 * plays the phone); the payment ends `succeeded`, is audited, and the shopper's receipt is recorded.
 *   GATEWAY_URL (default http://127.0.0.1:8080), DEMO_PHONE (default 0712345678: the simulator's success path).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DukaApi, type ApiResponse } from '@duka/testkit';

const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';
const phone = process.env.DEMO_PHONE ?? '0712345678';
const api = new DukaApi(gateway);
let stepNo = 0;

function step(title: string, res: ApiResponse, expected: number, summary: (body: never) => string): void {
  stepNo++;
  const ok = res.status === expected;
  const line = `${String(stepNo).padStart(2)}. ${title.padEnd(36)} ${res.status} ${ok ? summary(res.body as never) : JSON.stringify(res.body)}`;
  process.stdout.write(line + '\n');
  if (!ok) {
    process.stderr.write(`demo: step ${stepNo} expected HTTP ${expected}\n`);
    process.exit(1);
  }
}

async function main() {
  process.stdout.write(`Duka demo against ${gateway}\n\n`);
  const health = await fetch(`${gateway}/healthz`).catch(() => null);
  if (!health?.ok) {
    process.stderr.write(`demo: the gateway at ${gateway} does not answer: run \`make start\` first\n`);
    process.exit(1);
  }

  const slug = `demo-${randomBytes(3).toString('hex')}`;
  const owner = { email: `owner@${slug}.example`, phone: '0700000001', password: randomBytes(12).toString('base64url') };
  const signup = await api.signup({ name: 'Demo Duka', slug, owner });
  step('sign up tenant + owner', signup, 201, (b: { tenant: { id: string; slug: string } }) => `tenant ${b.tenant.slug} (${b.tenant.id})`);
  const tenantId = signup.body.tenant.id;

  const login = await api.as(tenantId).login(owner.email, owner.password);
  step('owner logs in', login, 200, (b: { expiresIn: number }) => `access token (expires in ${b.expiresIn}s) + refresh token`);
  const panel = api.as(tenantId, login.body.accessToken);

  const product = await panel.createProduct({ name: 'Kikoi beach wrap', priceCents: 150_000, currency: 'KES', published: true, stock: 10 });
  step('owner adds a product', product, 201, (b: { id: string; priceCents: number }) => `product ${b.id} at KES ${b.priceCents / 100}`);

  const listed = await panel.call<{ items: unknown[] }>('GET', '/v1/products');
  step('owner lists products', listed, 200, (b: { items: unknown[] }) => `${b.items.length} product(s)`);

  const shopper = api.as(tenantId);
  const store = await shopper.storeProducts();
  step('shopper browses the store', store, 200, (b: { items: Array<{ name: string }> }) => b.items.map((i) => i.name).join(', '));

  const checkout = await shopper.checkout(randomUUID(), { items: [{ productId: product.body.id, quantity: 2 }], phone });
  step('shopper checks out (STK push)', checkout, 202, (b: { paymentId: string; status: string; amountCents: number }) =>
    `payment ${b.paymentId} ${b.status}, KES ${b.amountCents / 100}`);

  const final = await shopper.waitForFinalPayment(checkout.body.paymentId, 30_000);
  step('M-Pesa calls back; payment settles', final, 200, (b: { status: string }) => b.status);

  // Audit and notifications are fed by events: give the consumers a moment.
  let audit = await panel.audit();
  for (let i = 0; i < 40 && !audit.body.items?.some((e) => e.action === 'payments.payment.succeeded'); i++) {
    await new Promise((r) => setTimeout(r, 250));
    audit = await panel.audit();
  }
  step('owner reads the audit trail', audit, 200, (b: { items: unknown[] }) => `${b.items.length} entries`);
  for (const e of [...audit.body.items].reverse()) process.stdout.write(`      ${e.at}  ${e.action.padEnd(30)} by ${e.actor.kind}:${e.actor.id || '-'}\n`);

  let deliveries = await panel.deliveries();
  for (let i = 0; i < 40 && !deliveries.body.items?.length; i++) {
    await new Promise((r) => setTimeout(r, 250));
    deliveries = await panel.deliveries();
  }
  step('shopper receipt recorded', deliveries, 200, (b: { items: Array<{ channel: string; status: string; recipient: string }> }) =>
    b.items.map((d) => `${d.channel} to ${d.recipient}: ${d.status}`).join('; ') || 'none yet');

  process.stdout.write(`\npayment ${final.body.status}\n`);
  if (final.body.status !== 'succeeded') process.exit(1);
}

main().catch((err: Error) => {
  process.stderr.write(`demo: ${err.message}\n`);
  process.exit(1);
});
