import t from 'tap';
import { maskRecipient } from './recipient.js';
import { defaultTemplates, formatKes, maskedReceipt, receiptVars, render, RECEIPT_TEMPLATE } from './template.js';

t.test('receipt rendering', async (t) => {
  const vars = receiptVars({ amountCents: 123456700n, currency: 'KES', orderId: 'o-1', paymentId: 'p-1', receiptMasked: 'QKT7XYZAB12' });
  t.equal(render(defaultTemplates[RECEIPT_TEMPLATE]!.body, vars).text, 'Payment of KES 1,234,567 received for order o-1. Receipt ••••••AB12. Thank you!');
  t.equal(formatKes(5n), '0.05');
  t.equal(formatKes(150050n), '1,500.50');
  t.equal(maskedReceipt('••••AB12'), '••••AB12', 'already masked stays as is');
});

t.test('sensitive variables are delivered but stored masked; unknown placeholders render empty', async (t) => {
  t.same(render('Code {code}{nope}.', { code: '123456' }, ['code']), { text: 'Code 123456.', stored: 'Code ••••.' });
});

t.test('recipients are masked to country code and last three digits', async (t) => {
  t.equal(maskRecipient('+254712345678'), '+254••••••678');
  t.equal(maskRecipient('+14155550123'), '+1•••••••123');
  t.equal(maskRecipient('12'), '•••');
});
