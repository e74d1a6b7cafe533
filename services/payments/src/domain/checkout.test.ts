import t from 'tap';
import { checkAmount, checkQuote, newOrderRef, requestHash } from './checkout.js';

const A = '00000000-0000-4000-8000-00000000000a';

t.test('the request hash ignores how the same checkout was typed', async (t) => {
  const a = requestHash('checkout', { items: [{ productId: A, quantity: 2 }], phone: '+254712345678' });
  t.equal(a, requestHash('checkout', { items: [{ productId: A.toUpperCase(), quantity: 2 }], phone: '+254712345678' }));
  t.not(a, requestHash('checkout', { items: [{ productId: A, quantity: 3 }], phone: '+254712345678' }));
  t.not(a, requestHash('checkout', { items: [{ productId: A, quantity: 2 }], phone: '+254712345679' }));
  t.match(a, /^[0-9a-f]{64}$/);
});

t.test('amounts: whole shillings from 1 to 250,000', async (t) => {
  t.same(checkAmount(100), { ok: true, shillings: 1 });
  t.same(checkAmount(25_000_000), { ok: true, shillings: 250_000 });
  t.same(checkAmount(150), { ok: false, problem: 'not_whole_shillings' });
  t.same(checkAmount(0), { ok: false, problem: 'out_of_range' });
  t.same(checkAmount(25_000_100), { ok: false, problem: 'out_of_range' });
});

t.test('a quote must match the cart and add up', async (t) => {
  const line = { productId: A, name: 'Soap', quantity: 2n, unitPriceCents: 500n, lineTotalCents: 1000n };
  const quote = { ok: true, lines: [line], totalCents: 1000n, currency: 'KES', errorCode: '', errorDetail: '' };
  t.match(checkQuote([{ productId: A, quantity: 2 }], quote), { ok: true, totalCents: 1000 });
  t.match(checkQuote([{ productId: A, quantity: 3 }], quote), { ok: false, kind: 'invalid' });
  t.match(checkQuote([{ productId: A, quantity: 2 }], { ...quote, totalCents: 999n }), { ok: false, kind: 'invalid' });
  t.match(checkQuote([{ productId: A, quantity: 2 }], { ...quote, lines: [{ ...line, lineTotalCents: 1n }], totalCents: 1n }), { ok: false, kind: 'invalid' });
  t.match(checkQuote([{ productId: A, quantity: 2 }], { ...quote, currency: 'USD' }), { ok: false, kind: 'currency' });
  t.match(checkQuote([{ productId: A, quantity: 2 }], { ...quote, ok: false, errorCode: 'OUT_OF_STOCK' }), { ok: false, kind: 'refused', code: 'OUT_OF_STOCK' });
});

t.test('order references fit AccountReference', async (t) => {
  for (let i = 0; i < 50; i += 1) t.match(newOrderRef(), /^[A-HJ-NP-Z2-9]{10}$/);
});
