import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../context.js';

/** The flow context of a request, from the gateway-signed principal. */
export function requestCtx(request: FastifyRequest): Ctx {
  const p = request.principal;
  const actor =
    p?.kind === 'user' && p.sub ? { kind: 'user' as const, id: p.sub, ...(p.role ? { role: p.role } : {}) } : { kind: 'public' as const, id: 'public' };
  return { tenantId: p?.tid ?? '', actor, requestId: request.id, sourceIp: p?.ip ?? request.ip };
}
