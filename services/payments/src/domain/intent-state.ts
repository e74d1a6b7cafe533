/**
 * The payment intent state machine (DESIGN §7, STYLE 7). Every status change asks this module which states it may
 * come from; the store applies it with a compare-and-set update, so a duplicate or late answer changes nothing.
 */
import type { StkClassification } from '@duka/mpesa';

export const INTENT_STATUSES = ['requires_payment', 'processing', 'succeeded', 'failed', 'cancelled', 'expired'] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];

export type FinalStatus = Extract<IntentStatus, 'succeeded' | 'failed' | 'cancelled' | 'expired'>;

/** Why an intent failed. The first five come from Daraja result codes (shared/cases/README.md). */
export type FailureReason =
  | 'unreachable'
  | 'wrong_pin'
  | 'insufficient_funds'
  | 'unknown'
  | 'daraja_rejected'
  | 'amount_mismatch'
  | 'mpesa_not_configured';

/** Which states each target may be reached from. Final states have no way out: a success is never overwritten. */
const allowedFrom: Readonly<Record<IntentStatus, readonly IntentStatus[]>> = {
  requires_payment: [],
  processing: ['requires_payment'],
  succeeded: ['processing'],
  failed: ['requires_payment', 'processing'],
  cancelled: ['requires_payment', 'processing'],
  expired: ['requires_payment', 'processing'],
};

/** The states from which `to` may be entered (used as the compare-and-set guard). */
export function sourcesOf(to: IntentStatus): readonly IntentStatus[] {
  return allowedFrom[to];
}

export function canTransition(from: IntentStatus, to: IntentStatus): boolean {
  return allowedFrom[to].includes(from);
}

export function isFinal(status: IntentStatus): status is FinalStatus {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled' || status === 'expired';
}

export function isIntentStatus(value: string): value is IntentStatus {
  return (INTENT_STATUSES as readonly string[]).includes(value);
}

/** A final outcome to apply to an intent. */
export interface Outcome {
  status: FinalStatus;
  reason: FailureReason | null;
  resultCode: string | null;
}

/** Maps an STK result classification (from `@duka/mpesa` `classifyStkResult`) to an outcome. */
export function outcomeFromStk(resultCode: string, c: StkClassification): Outcome {
  if (c.status === 'failed') return { status: 'failed', reason: c.reason ?? 'unknown', resultCode };
  return { status: c.status, reason: null, resultCode };
}
