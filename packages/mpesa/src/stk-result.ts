/** Final status an STK result code maps to (the intent state machine's terminal states). */
export type StkStatus = 'succeeded' | 'cancelled' | 'expired' | 'failed';
/** Why a `failed` STK push failed. */
export type StkFailureReason = 'unreachable' | 'wrong_pin' | 'insufficient_funds' | 'unknown';

/** Classification of an STK `ResultCode`. `known: false` means an unrecognised code: fail and raise an alert. */
export interface StkClassification {
  status: StkStatus;
  reason?: StkFailureReason;
  known: boolean;
}

/** The STK result codes Duka knows, as Safaricom sends them. */
export const STK_RESULT_CODES = {
  success: '0',
  insufficientFunds: '1',
  expired: '1019',
  cancelled: '1032',
  unreachable: '1037',
  wrongPin: '2001',
} as const;

const KNOWN: Readonly<Record<string, StkClassification>> = {
  [STK_RESULT_CODES.success]: { status: 'succeeded', known: true },
  [STK_RESULT_CODES.cancelled]: { status: 'cancelled', known: true },
  [STK_RESULT_CODES.expired]: { status: 'expired', known: true },
  [STK_RESULT_CODES.unreachable]: { status: 'failed', reason: 'unreachable', known: true },
  [STK_RESULT_CODES.wrongPin]: { status: 'failed', reason: 'wrong_pin', known: true },
  [STK_RESULT_CODES.insufficientFunds]: { status: 'failed', reason: 'insufficient_funds', known: true },
};

/**
 * Maps an STK `ResultCode` (callback or query, as a string; surrounding spaces ignored) to a final status.
 * Unknown codes are a final failure with `reason: 'unknown'` and `known: false`.
 */
export function classifyStkResult(resultCode: string): StkClassification {
  const hit = KNOWN[resultCode.trim()];
  return hit ? { ...hit } : { status: 'failed', reason: 'unknown', known: false };
}
