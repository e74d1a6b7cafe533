import t from 'tap';
import { loadCase } from './case-files.js';
import { parseB2cResult } from './b2c-result.js';
import { parseC2bConfirmation } from './c2b-confirmation.js';
import { parseReversalResult } from './reversal-result.js';
import { parseStkCallback } from './stk-callback.js';
import { parseStkQueryResponse } from './stk-query.js';
import { classifyStkResult } from './stk-result.js';
import { isSpikeArrest, parseDarajaError } from './sync-error.js';
import { parseTransactionStatusResult } from './transaction-status.js';

t.test('STK success callback: metadata read by Name', async (t) => {
  const r = parseStkCallback(loadCase('stk-callback-success.json'));
  t.ok(r.ok);
  if (!r.ok) return;
  t.equal(r.value.merchantRequestId, '29115-34620561-1');
  t.equal(r.value.checkoutRequestId, 'ws_CO_191220191020363925');
  t.equal(r.value.resultCode, '0');
  t.same(r.value.metadata, { amount: 1, receipt: 'TEST0000A1', transactionDate: '20191219102115', phone: '254700000001' });
  t.same(classifyStkResult(r.value.resultCode), { status: 'succeeded', known: true });
});

t.test('STK failure callbacks classify per the cases README', async (t) => {
  const expected = [
    ['stk-callback-cancelled-1032.json', '1032', { status: 'cancelled', known: true }],
    ['stk-callback-expired-1019.json', '1019', { status: 'expired', known: true }],
    ['stk-callback-unreachable-1037.json', '1037', { status: 'failed', reason: 'unreachable', known: true }],
    ['stk-callback-wrong-pin-2001.json', '2001', { status: 'failed', reason: 'wrong_pin', known: true }],
    ['stk-callback-insufficient-1.json', '1', { status: 'failed', reason: 'insufficient_funds', known: true }],
  ] as const;
  for (const [file, code, cls] of expected) {
    const r = parseStkCallback(loadCase(file));
    t.ok(r.ok, file);
    if (!r.ok) continue;
    t.equal(r.value.resultCode, code, file);
    t.same(r.value.metadata, {}, `${file} has no metadata`);
    t.same(classifyStkResult(r.value.resultCode), cls, file);
  }
  t.same(classifyStkResult('9999'), { status: 'failed', reason: 'unknown', known: false });
});

t.test('parseStkCallback tolerates string codes, extras, valueless items; requires the envelope', async (t) => {
  const body = {
    Body: {
      stkCallback: {
        MerchantRequestID: 'm',
        CheckoutRequestID: 'c',
        ResultCode: '0',
        ResultDesc: 'ok',
        Extra: true,
        CallbackMetadata: { Item: [{ Name: 'Balance' }, { Name: 'PhoneNumber', Value: 254700000001 }, { Name: 'Amount', Value: '10.00' }] },
      },
    },
    extra: 1,
  };
  const r = parseStkCallback(body);
  t.ok(r.ok);
  if (r.ok) t.same(r.value.metadata, { amount: 10, phone: '254700000001' });
  for (const bad of [null, 'x', {}, { Body: {} }, { Body: { stkCallback: { MerchantRequestID: 'm', CheckoutRequestID: 'c', ResultDesc: 'x' } } }]) {
    const b = parseStkCallback(bad);
    t.notOk(b.ok, JSON.stringify(bad));
    if (!b.ok) t.ok(b.issues.length > 0);
  }
});

t.test('STK query: pending on HTTP 500 500.001.1001, final with string ResultCode', async (t) => {
  t.same(parseStkQueryResponse(500, loadCase('stk-query-pending-http500.json')), { kind: 'pending' });
  const fin = parseStkQueryResponse(200, loadCase('stk-query-final-success.json'));
  t.match(fin, { kind: 'final', resultCode: '0', resultDesc: 'The service request is processed successfully.' });
  t.match(parseStkQueryResponse(200, { ResultCode: 1032, ResultDesc: 'Request cancelled by user' }), { kind: 'final', resultCode: '1032' });
  t.match(parseStkQueryResponse(400, loadCase('sync-error-invalid-shortcode.json')), { kind: 'error', error: { errorCode: '400.002.02' } });
  t.match(parseStkQueryResponse(502, '<html>'), { kind: 'invalid', httpStatus: 502 });
});

t.test('sync error envelopes', async (t) => {
  const shortcode = parseDarajaError(loadCase('sync-error-invalid-shortcode.json'));
  t.match(shortcode, { ok: true, value: { errorCode: '400.002.02', errorMessage: 'Bad Request - Invalid BusinessShortCode' } });
  t.match(parseDarajaError(loadCase('sync-error-invalid-token.json')), { ok: true, value: { errorCode: '404.001.03' } });
  const spike = parseDarajaError(loadCase('sync-error-spike-arrest.json'));
  t.ok(spike.ok && isSpikeArrest(spike.value.errorCode));
  t.notOk(parseDarajaError({ foo: 1 }).ok);
});

t.test('B2C results', async (t) => {
  const ok = parseB2cResult(loadCase('b2c-result-success.json'));
  t.ok(ok.ok);
  if (ok.ok) {
    t.equal(ok.value.resultCode, '0');
    t.equal(ok.value.succeeded, true);
    t.equal(ok.value.amount, 10);
    t.equal(ok.value.receipt, 'TEST0000B8');
    t.equal(ok.value.completedDateTime, '06.07.2024 22:48:52');
    t.equal(ok.value.completedAt?.toISOString(), '2024-07-06T19:48:52.000Z');
    t.equal(ok.value.recipientIsRegistered, true);
    t.equal(ok.value.conversationId, 'AG_20240706_2010364430d9bbdaf872');
    t.equal(ok.value.parameters.B2CChargesPaidAccountAvailableFunds, -1980);
  }
  const fail = parseB2cResult(loadCase('b2c-result-failure-2001.json'));
  t.ok(fail.ok);
  if (fail.ok) {
    t.equal(fail.value.resultCode, '2001');
    t.equal(fail.value.succeeded, false);
    t.equal(fail.value.amount, undefined);
    t.equal(fail.value.referenceData.QueueTimeoutURL, 'https://internalsandbox.safaricom.co.ke/mpesa/b2cresults/v1/submit');
  }
});

t.test('reversal results, alphanumeric ResultCode', async (t) => {
  const ok = parseReversalResult(loadCase('reversal-result-success.json'));
  t.ok(ok.ok);
  if (ok.ok) {
    t.equal(ok.value.resultCode, '0');
    t.equal(ok.value.succeeded, true);
    t.equal(ok.value.amount, 1);
    t.equal(ok.value.originalTransactionId, 'TEST0000R0');
    t.equal(ok.value.completedTime, '20211114132711');
    t.equal(ok.value.charge, 0);
  }
  const bad = parseReversalResult(loadCase('reversal-result-invalid-R000002.json'));
  t.ok(bad.ok);
  if (bad.ok) {
    t.equal(bad.value.resultCode, 'R000002');
    t.equal(bad.value.succeeded, false);
    t.equal(bad.value.resultDesc, 'The OriginalTransactionID is invalid.');
  }
});

t.test('transaction status result with valueless items', async (t) => {
  const r = parseTransactionStatusResult(loadCase('transaction-status-result.json'));
  t.ok(r.ok);
  if (!r.ok) return;
  t.equal(r.value.resultCode, '0');
  t.equal(r.value.transactionStatus, 'Completed');
  t.equal(r.value.amount, 300);
  t.equal(r.value.receiptNo, 'TEST0000T1');
  t.ok('TransactionReason' in r.value.parameters);
  t.equal(r.value.parameters.TransactionReason, undefined);
  t.ok('Occasion' in r.value.referenceData);
});

t.test('C2B confirmation: amounts from strings, MSISDN opaque', async (t) => {
  const r = parseC2bConfirmation(loadCase('c2b-confirmation-masked.json'));
  t.ok(r.ok);
  if (!r.ok) return;
  t.equal(r.value.amount, 5);
  t.equal(r.value.orgAccountBalance, 25);
  t.equal(r.value.msisdn, '2547 ***** 000');
  t.equal(r.value.transId, 'TEST0000C7');
  t.equal(r.value.businessShortCode, '600966');
  t.equal(r.value.billRefNumber, 'Sample Transaction');
  t.notOk(parseC2bConfirmation({ TransID: 'x' }).ok);
});

t.test('every case file parses with its parser', async (t) => {
  const { readdirSync } = await import('node:fs');
  const dir = new URL('../../../../shared/cases/mpesa/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  t.ok(files.length >= 17);
  for (const f of files) {
    const body = loadCase(f);
    let ok: boolean;
    if (f.startsWith('stk-callback')) ok = parseStkCallback(body).ok;
    else if (f.startsWith('stk-query-final')) ok = parseStkQueryResponse(200, body).kind === 'final';
    else if (f.startsWith('stk-query-pending')) ok = parseStkQueryResponse(500, body).kind === 'pending';
    else if (f.startsWith('sync-error') ) ok = parseDarajaError(body).ok;
    else if (f.startsWith('b2c')) ok = parseB2cResult(body).ok;
    else if (f.startsWith('reversal')) ok = parseReversalResult(body).ok;
    else if (f.startsWith('transaction-status')) ok = parseTransactionStatusResult(body).ok;
    else if (f.startsWith('c2b')) ok = parseC2bConfirmation(body).ok;
    else ok = false;
    t.ok(ok, f);
  }
});
