import t from 'tap';
import { normalizeEmail, normalizePhone, passwordProblem, slugPattern } from './account.js';

t.test('slugs', async (t) => {
  for (const ok of ['abc', 'mama-mboga', 'a1b', 'x'.repeat(32)]) t.ok(slugPattern.test(ok), ok);
  for (const bad of ['ab', '-abc', 'abc-', 'ABC', 'a_b', 'x'.repeat(33), 'a.b']) t.notOk(slugPattern.test(bad), bad);
});

t.test('emails, phones, passwords', async (t) => {
  t.equal(normalizeEmail('  Owner@Example.COM '), 'owner@example.com');
  t.equal(normalizePhone('0712 345 678'), '+254712345678');
  t.equal(normalizePhone('+254 112 345 678'), '+254112345678');
  t.equal(normalizePhone('020 123 4567'), null, 'landline');
  t.match(passwordProblem('short', { email: 'a@b.c' }), /at least 10/);
  t.match(passwordProblem('aaaaaaaaaaaa', { email: 'a@b.c' }), /repeated/);
  t.match(passwordProblem('owner@example.com', { email: 'owner@example.com' }), /email/);
  t.equal(passwordProblem('correct horse battery', { email: 'a@b.c' }), null);
});
