import { defineErrors } from '@duka/http';

/** webhook-ingest's error registry (STYLE 2). */
export const errors = defineErrors({
  WEBHOOKS_SOURCE_NOT_ALLOWED: { status: 403, title: 'This source address may not send callbacks' },
  WEBHOOKS_INVALID_TOKEN: { status: 403, title: 'The callback URL is not valid' },
  WEBHOOKS_INVALID_CALLBACK: { status: 400, title: 'The callback body is not a valid M-Pesa callback' },
});
