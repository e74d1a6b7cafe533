/**
 * Which internal service answers which public path (docs/SERVICES-BRIEF.md "gateway"). Paths are proxied
 * unchanged.
 */
import type { GatewayConfig } from '../config.js';

export interface UpstreamRoute {
  /** Fastify route patterns. */
  paths: string[];
  upstream: keyof Pick<GatewayConfig, 'IDENTITY_URL' | 'CATALOG_URL' | 'PAYMENTS_URL' | 'AUDIT_URL' | 'NOTIFICATIONS_URL'>;
  /** Signup, login and refresh get the tighter per-IP limit. */
  auth?: boolean;
}

/** Routes that act for nobody yet: the gateway signs a public principal whatever Authorization says. */
export const anonymousRoutes = new Set(['POST /v1/tenants', 'POST /v1/auth/login', 'POST /v1/auth/login/otp', 'POST /v1/auth/refresh']);

export const upstreamRoutes: UpstreamRoute[] = [
  { paths: ['/v1/tenants', '/v1/auth/*'], upstream: 'IDENTITY_URL', auth: true },
  { paths: ['/v1/products', '/v1/products/*', '/v1/store/*'], upstream: 'CATALOG_URL' },
  { paths: ['/v1/checkout', '/v1/payments', '/v1/payments/*'], upstream: 'PAYMENTS_URL' },
  { paths: ['/v1/audit', '/v1/audit/*'], upstream: 'AUDIT_URL' },
  { paths: ['/v1/notifications', '/v1/notifications/*'], upstream: 'NOTIFICATIONS_URL' },
];
