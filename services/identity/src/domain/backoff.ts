/**
 * Login back-off (DESIGN §6): after `maxFailures` failures, each further failure locks the key for a time that
 * doubles, from `baseSeconds` up to `maxSeconds`. Pure arithmetic; the counters live in Redis.
 */
export interface BackoffPolicy {
  maxFailures: number;
  baseSeconds: number;
  maxSeconds: number;
}

/** Seconds to lock after the `failures`-th failure (0 = no lock). */
export function lockSeconds(failures: number, policy: BackoffPolicy): number {
  if (failures < policy.maxFailures) return 0;
  const exponent = Math.min(failures - policy.maxFailures, 30);
  return Math.min(policy.baseSeconds * 2 ** exponent, policy.maxSeconds);
}
