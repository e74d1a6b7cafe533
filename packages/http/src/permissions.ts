import type { Principal } from '@duka/secrets';

/**
 * What each role may do (DESIGN §6). A route declares one permission in `config.permission`:
 * - `none`: no principal needed (health probes, Safaricom callbacks behind their own checks);
 * - `public`: any request the gateway signed, signed-in or not (signup, storefront, checkout);
 * - `<resource>:<action>`: a signed-in user of the tenant whose role grants it.
 */
export const rolePermissions: Record<NonNullable<Principal['role']>, readonly string[]> = {
  owner: ['*'],
  staff: ['products:read', 'products:write', 'orders:read', 'payments:read', 'refunds:create', 'notifications:read'],
  viewer: ['products:read', 'orders:read', 'payments:read'],
};

export type Permission = 'none' | 'public' | `${string}:${string}`;

export function roleAllows(role: Principal['role'] | undefined, permission: string): boolean {
  if (!role) return false;
  const granted = rolePermissions[role];
  return granted.includes('*') || granted.includes(permission);
}
