import { randomUUID } from 'node:crypto';

/** Daraja's synchronous error envelope. */
export interface ErrorEnvelope {
  requestId: string;
  errorCode: string;
  errorMessage: string;
}

function requestId(): string {
  // Daraja request ids look like `1c5b-4ba8-815c-ac45c57a3db01495926`.
  const u = randomUUID().replace(/-/g, '');
  return `${u.slice(0, 4)}-${u.slice(4, 8)}-${u.slice(8, 12)}-${u.slice(12, 24)}${Math.floor(Math.random() * 1e7)}`;
}

export function envelope(errorCode: string, errorMessage: string): ErrorEnvelope {
  return { requestId: requestId(), errorCode, errorMessage };
}

/** `400.002.02 Bad Request - Invalid <Field>`: a request field failed validation. */
export const invalidField = (field: string): ErrorEnvelope => envelope('400.002.02', `Bad Request - Invalid ${field}`);
export const invalidToken = (): ErrorEnvelope => envelope('404.001.03', 'Invalid Access Token');
export const invalidAuthHeader = (): ErrorEnvelope => envelope('404.001.04', 'Invalid Authentication Header');
export const invalidCredentials = (): ErrorEnvelope => envelope('400.008.01', 'Invalid Authentication passed');
export const invalidGrantType = (): ErrorEnvelope => envelope('400.008.02', 'Invalid grant type passed');
export const spikeArrest = (): ErrorEnvelope => envelope('500.003.02', 'Spike Arrest Violation');
export const serverError = (): ErrorEnvelope => envelope('500.003.1001', 'Internal Server Error');
/** STK query while the prompt is still open. `requestId` is the CheckoutRequestID, as Daraja does. */
export const stillProcessing = (checkoutRequestId: string): ErrorEnvelope => ({
  requestId: checkoutRequestId,
  errorCode: '500.001.1001',
  errorMessage: 'The transaction is being processed',
});
