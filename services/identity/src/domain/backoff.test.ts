import t from 'tap';
import { lockSeconds } from './backoff.js';

t.test('no lock below the threshold, then doubling up to the cap', async (t) => {
  const policy = { maxFailures: 5, baseSeconds: 2, maxSeconds: 60 };
  t.same([1, 4].map((n) => lockSeconds(n, policy)), [0, 0]);
  t.same([5, 6, 7, 8].map((n) => lockSeconds(n, policy)), [2, 4, 8, 16]);
  t.equal(lockSeconds(50, policy), 60);
  t.equal(lockSeconds(10_000, policy), 60, 'no overflow');
});
