/** The delivery state machine: pending -> sending -> sent | retrying -> sending ... -> failed. */
export type DeliveryStatus = 'pending' | 'sending' | 'retrying' | 'sent' | 'failed';
export type Channel = 'log' | 'whatsapp' | 'sms';
export const channels: readonly Channel[] = ['log', 'whatsapp', 'sms'];

export const isFinal = (s: DeliveryStatus): boolean => s === 'sent' || s === 'failed';

/** What an adapter reports: expected outcomes are values, not exceptions (STYLE 2). */
export type SendResult =
  | { ok: true; providerMessageId?: string }
  | { ok: false; error: string; retryable: boolean };

/** The status after an attempt; `lastAttempt` when the bus will not deliver the message again. */
export function nextStatus(result: SendResult, lastAttempt: boolean): DeliveryStatus {
  if (result.ok) return 'sent';
  return result.retryable && !lastAttempt ? 'retrying' : 'failed';
}
