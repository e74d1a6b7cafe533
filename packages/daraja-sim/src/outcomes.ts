/** What the simulated payer does with the STK prompt. */
export type SimOutcome = 'success' | 'cancelled' | 'expired' | 'unreachable' | 'wrong_pin' | 'insufficient' | 'none';

export const SIM_OUTCOMES: readonly SimOutcome[] = [
  'success',
  'cancelled',
  'expired',
  'unreachable',
  'wrong_pin',
  'insufficient',
  'none',
];

/** Result code and description per outcome, worded as Safaricom words them (see shared/cases/mpesa). */
export const OUTCOME_RESULTS: Readonly<Record<SimOutcome, { code: number; desc: string }>> = {
  success: { code: 0, desc: 'The service request is processed successfully.' },
  cancelled: { code: 1032, desc: 'Request cancelled by user' },
  expired: { code: 1019, desc: 'Transaction has expired' },
  unreachable: { code: 1037, desc: 'DS timeout user cannot be reached' },
  wrong_pin: { code: 2001, desc: 'The initiator information is invalid.' },
  insufficient: { code: 1, desc: 'The balance is insufficient for the transaction.' },
  // No callback ever comes; a query after the prompt times out reports 1037.
  none: { code: 1037, desc: 'DS timeout user cannot be reached' },
};

const BY_SUFFIX: Readonly<Record<string, SimOutcome>> = {
  '1032': 'cancelled',
  '1019': 'expired',
  '1037': 'unreachable',
  '2001': 'wrong_pin',
  '0001': 'insufficient',
  '0000': 'none',
};

/** The outcome chosen by the last four digits of the paying number (DESIGN §9). */
export function outcomeForPhone(msisdn: string): SimOutcome {
  return BY_SUFFIX[msisdn.slice(-4)] ?? 'success';
}

export function isSimOutcome(value: string): value is SimOutcome {
  return (SIM_OUTCOMES as readonly string[]).includes(value);
}
