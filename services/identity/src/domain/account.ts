/**
 * Rules for tenants and accounts (no I/O): slugs, email and phone normalisation, password policy.
 */
import { normalizeKenyanPhone } from '@duka/mpesa';

/** A store slug becomes a host name label: lowercase letters, digits and inner hyphens, 3 to 32 characters. */
export const slugPattern = /^[a-z0-9](?:[a-z0-9-]{1,30}[a-z0-9])$/;

/** Slugs that would shadow platform hosts. */
const reservedSlugs = new Set(['www', 'api', 'admin', 'app', 'gateway', 'identity', 'status', 'mail', 'duka']);

export function isReservedSlug(slug: string): boolean {
  return reservedSlugs.has(slug);
}

/** Emails compare case-insensitively and without surrounding blanks; the blind index is taken of this form. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const minPasswordLength = 10;
export const maxPasswordLength = 256;

/** Why a password is refused, or null when acceptable. */
export function passwordProblem(password: string, context: { email: string; slug?: string }): string | null {
  if (password.length < minPasswordLength) return `password must have at least ${minPasswordLength} characters`;
  if (password.length > maxPasswordLength) return `password must have at most ${maxPasswordLength} characters`;
  const lower = password.toLowerCase();
  if (lower === context.email || (context.slug && lower === context.slug)) return 'password must not repeat the email or store address';
  if (/^(.)\1+$/.test(password)) return 'password must not be one repeated character';
  return null;
}

/** E.164 form of an owner's phone (a Kenyan mobile), or null when it is not one. */
export function normalizePhone(phone: string): string | null {
  return normalizeKenyanPhone(phone);
}

/** The storefront host of a tenant. */
export function storeHost(slug: string, storeDomain: string): string {
  return `${slug}.${storeDomain}`;
}
