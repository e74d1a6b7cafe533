import { defineErrors } from '@duka/http';

/** identity's error registry (STYLE 2): stable codes, each with its HTTP status and title. */
export const errors = defineErrors({
  IDENTITY_SLUG_TAKEN: { status: 409, title: 'That store address is taken' },
  IDENTITY_TENANT_REQUIRED: { status: 400, title: 'This request needs a tenant (Host or X-Tenant-ID)' },
  IDENTITY_INVALID_CREDENTIALS: { status: 401, title: 'Email or password is wrong' },
  IDENTITY_INVALID_REFRESH_TOKEN: { status: 401, title: 'The refresh token is not valid' },
  IDENTITY_LOGIN_THROTTLED: { status: 429, title: 'Too many failed sign-ins; wait and try again', retryable: true },
  IDENTITY_WEAK_PASSWORD: { status: 400, title: 'The password is too weak' },
  IDENTITY_INVALID_PHONE: { status: 400, title: 'The phone number is not valid' },
  IDENTITY_INVALID_OTP: { status: 401, title: 'The one-time code is not valid' },
  IDENTITY_TOTP_ALREADY_ENABLED: { status: 409, title: 'Two-factor sign-in is already on' },
  IDENTITY_TOTP_NOT_ENABLED: { status: 409, title: 'Two-factor sign-in is not on for this account' },
});

/** A login refused by the back-off; the route turns `retryAfterSeconds` into a `Retry-After` header. */
export function loginThrottled(retryAfterSeconds: number) {
  return Object.assign(errors.IDENTITY_LOGIN_THROTTLED(`Try again in ${retryAfterSeconds} seconds`), { retryAfterSeconds });
}

export function retryAfterOf(err: unknown): number | undefined {
  const value = (err as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return typeof value === 'number' ? value : undefined;
}
