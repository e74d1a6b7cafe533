/**
 * Who a request acts for (DESIGN §2, §6): the tenant from X-Tenant-ID or the Host (KV `tenant_hosts`), else the
 * token's; the bearer token verified; a token of another tenant than the resolved one refused.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '@duka/secrets';
import { isUuid } from './uuid.js';
import { errors } from '../errors.js';
import type { AccessTokenVerifier } from './access-token.js';
import type { AuthDirectory } from './directory.js';

export interface Resolved {
  principal: Principal;
}

function hostName(request: FastifyRequest): string {
  const host = request.headers.host ?? '';
  return host.replace(/:\d+$/, '').toLowerCase();
}

async function resolveTenant(request: FastifyRequest, directory: AuthDirectory): Promise<string> {
  const given = request.headers['x-tenant-id'];
  if (given !== undefined) {
    if (typeof given !== 'string' || !isUuid(given)) throw errors.GATEWAY_INVALID_TENANT();
    const tenant = given.toLowerCase();
    // Every tenant publishes its JWKS at signup: no JWKS, no such tenant (a clear 404, not an empty shop).
    if (!(await directory.jwks.lookup(tenant))) throw errors.GATEWAY_UNKNOWN_TENANT();
    return tenant;
  }
  const host = hostName(request);
  if (!host || !/^[a-z0-9.-]+$/.test(host)) return '';
  return (await directory.hosts.lookup(host)) ?? '';
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header);
  if (!m) throw errors.GATEWAY_INVALID_TOKEN('Send Authorization: Bearer <access token>');
  return m[1]!;
}

/**
 * The principal to sign for this request (or a 400/401/403 problem). `anonymous` routes (signup, login, refresh)
 * never act as a user: a bearer sent along, perhaps expired (a client refreshing), is ignored rather than refused.
 */
export async function resolvePrincipal(
  request: FastifyRequest,
  directory: AuthDirectory,
  verifier: AccessTokenVerifier,
  anonymous = false,
): Promise<Principal> {
  const token = anonymous ? null : bearer(request);
  const [tenant, claims] = await Promise.all([resolveTenant(request, directory), token ? verifier.verify(token) : null]);
  const iat = Date.now();
  if (!claims) return { kind: 'public', tid: tenant, ip: request.ip, iat };
  if (tenant && tenant !== claims.tid) throw errors.GATEWAY_TENANT_MISMATCH();
  return { kind: 'user', tid: claims.tid, sub: claims.sub, role: claims.role, sid: claims.sid, amr: claims.amr, ip: request.ip, iat };
}
