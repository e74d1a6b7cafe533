import t from 'tap';
import { classifyStkResult } from '@duka/mpesa';
import { canTransition, INTENT_STATUSES, isFinal, outcomeFromStk, sourcesOf } from './intent-state.js';

t.test('only the documented transitions are allowed', async (t) => {
  const allowed = new Set([
    'requires_payment>processing',
    'processing>succeeded',
    'requires_payment>failed',
    'processing>failed',
    'requires_payment>cancelled',
    'processing>cancelled',
    'requires_payment>expired',
    'processing>expired',
  ]);
  for (const from of INTENT_STATUSES) {
    for (const to of INTENT_STATUSES) t.equal(canTransition(from, to), allowed.has(`${from}>${to}`), `${from} -> ${to}`);
  }
  t.same(sourcesOf('succeeded'), ['processing'], 'success only from processing');
  for (const s of ['succeeded', 'failed', 'cancelled', 'expired'] as const) t.ok(isFinal(s));
});

t.test('STK result codes map to outcomes (shared/cases/README.md)', async (t) => {
  const o = (code: string) => outcomeFromStk(code, classifyStkResult(code));
  t.same(o('0'), { status: 'succeeded', reason: null, resultCode: '0' });
  t.same(o('1032'), { status: 'cancelled', reason: null, resultCode: '1032' });
  t.same(o('1019'), { status: 'expired', reason: null, resultCode: '1019' });
  t.same(o('1037'), { status: 'failed', reason: 'unreachable', resultCode: '1037' });
  t.same(o('2001'), { status: 'failed', reason: 'wrong_pin', resultCode: '2001' });
  t.same(o('1'), { status: 'failed', reason: 'insufficient_funds', resultCode: '1' });
  t.same(o('4711'), { status: 'failed', reason: 'unknown', resultCode: '4711' });
});
