import type { FastifyRequest } from 'fastify';
import { isUuid } from '@duka/db';
import { errors } from '../errors.js';

/** The tenant the gateway resolved for this request; public routes of a store need one. */
export function requireTenant(request: FastifyRequest): string {
  const tid = request.principal?.tid;
  if (!tid) throw errors.PAYMENTS_TENANT_REQUIRED('No store was resolved for this request (Host header or X-Tenant-ID)');
  if (!isUuid(tid)) throw errors.UNAUTHENTICATED('The request names an invalid tenant');
  return tid;
}
