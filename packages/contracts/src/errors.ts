/** Stable codes for contract violations; all are faults, none is retryable. */
export type ContractErrorCode =
  | 'CONTRACTS_UNKNOWN_EVENT_TYPE'
  | 'CONTRACTS_EVENT_META_MISSING'
  | 'CONTRACTS_INVALID_SUBJECT_TOKEN'
  | 'CONTRACTS_DECODE_FAILED';

/**
 * Thrown when a message or subject does not fit the contracts. A consumer that catches one should dead-letter
 * the message at once: redelivery cannot fix it.
 */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: ContractErrorCode;

  constructor(code: ContractErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
