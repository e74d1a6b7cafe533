import { defineErrors } from '@duka/http';

/** gateway's error registry (STYLE 2). */
export const errors = defineErrors({
  GATEWAY_INVALID_TOKEN: { status: 401, title: 'The access token is not valid' },
  GATEWAY_TOKEN_REVOKED: { status: 401, title: 'The access token was revoked; sign in again' },
  GATEWAY_TENANT_MISMATCH: { status: 403, title: 'The access token belongs to another tenant' },
  GATEWAY_INVALID_TENANT: { status: 400, title: 'X-Tenant-ID must be a tenant id (UUID)' },
  GATEWAY_UNKNOWN_TENANT: { status: 404, title: 'There is no such tenant' },
  GATEWAY_UPSTREAM_UNAVAILABLE: { status: 503, title: 'The service behind this route is unavailable', retryable: true },
});
