import t from 'tap';
import { maskPhone, normalizeKenyanPhone, toDarajaMsisdn } from './phone.js';
import { nairobiTimestamp, parseNairobiDottedDate, parseNairobiTimestamp, stkPassword } from './timestamp.js';
import { toPlainText, validateStkPushInput } from './stk-request.js';

t.test('normalizeKenyanPhone accepts the forms shoppers type', async (t) => {
  for (const input of ['0712345678', '0712 345 678', '0712-345-678', '+254712345678', '254712345678', '+254 712 345 678', ' 0712345678 ']) {
    t.equal(normalizeKenyanPhone(input), '+254712345678', input);
  }
  t.equal(normalizeKenyanPhone('0110123456'), '+254110123456');
  t.equal(normalizeKenyanPhone('254110123456'), '+254110123456');
});

t.test('normalizeKenyanPhone rejects non-Kenyan-mobile input', async (t) => {
  for (const input of ['', '07123', '0201234567', '+255712345678', 'call 0712345678', '07123456789', 'abc', '+1 202 555 0100']) {
    t.equal(normalizeKenyanPhone(input), null, JSON.stringify(input));
  }
});

t.test('toDarajaMsisdn and maskPhone', async (t) => {
  t.equal(toDarajaMsisdn('+254712345678'), '254712345678');
  t.throws(() => toDarajaMsisdn('0712345678'), RangeError);
  t.equal(maskPhone('+254712345612'), '+2547******12');
  t.equal(maskPhone('+254110123456'), '+2541******56');
  t.notMatch(maskPhone('0712345678'), /712345/);
});

t.test('nairobiTimestamp is UTC+3 and stkPassword is base64(shortcode+passkey+timestamp)', async (t) => {
  t.equal(nairobiTimestamp(new Date('2024-07-21T21:30:05.123Z')), '20240722003005');
  t.equal(nairobiTimestamp(new Date('2024-01-01T00:00:00Z')), '20240101030000');
  t.match(nairobiTimestamp(), /^\d{14}$/);
  t.equal(parseNairobiTimestamp('20240722003005')?.toISOString(), '2024-07-21T21:30:05.000Z');
  t.equal(parseNairobiTimestamp('20241301000000'), null);
  t.equal(parseNairobiDottedDate('06.07.2024 22:48:52')?.toISOString(), '2024-07-06T19:48:52.000Z');
  const pw = stkPassword('174379', 'passkey', '20240722003005');
  t.equal(Buffer.from(pw, 'base64').toString(), '174379passkey20240722003005');
});

t.test('validateStkPushInput checks and sanitises', async (t) => {
  const good = {
    amountShillings: 100,
    phoneE164: '+254712345678',
    callbackUrl: 'https://example.com/cb',
    accountReference: 'Order #12345-ABCDEFG',
    transactionDesc: 'Payment for Café order',
  };
  const ok = validateStkPushInput(good);
  t.ok(ok.ok);
  if (ok.ok) {
    t.equal(ok.value.msisdn, '254712345678');
    t.equal(ok.value.accountReference, 'Order 12345-');
    t.ok(ok.value.accountReference.length <= 12);
    t.equal(ok.value.transactionDesc, 'Payment for C');
    t.ok(ok.value.transactionDesc.length <= 13);
  }
  for (const [field, value] of [
    ['amountShillings', 0],
    ['amountShillings', 250_001],
    ['amountShillings', 10.5],
    ['phoneE164', '+255712345678'],
    ['callbackUrl', 'ftp://example.com'],
    ['accountReference', '###'],
  ] as const) {
    const r = validateStkPushInput({ ...good, [field]: value });
    t.notOk(r.ok, `${field}=${String(value)}`);
    if (!r.ok) {
      t.equal(r.issues[0]?.path, field);
      t.notMatch(JSON.stringify(r.issues), /712345678/, 'issues never echo the phone');
    }
  }
  t.equal(toPlainText('  a\tb  ', 13), 'a b');
});
