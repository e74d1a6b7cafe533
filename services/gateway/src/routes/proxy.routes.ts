/**
 * The public routes: each resolves the principal, applies the limits and proxies path-for-path to its service
 * with the signed principal (docs/CONVENTIONS.md "Gateway -> service").
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { sendProblem, type App } from '@duka/http';
import { signPrincipal, type Principal } from '@duka/secrets';
import { resolvePrincipal } from '../auth/principal.js';
import type { GatewayDeps } from '../deps.js';
import { errors } from '../errors.js';
import type { RateLimiters } from '../proxy/rate-limits.js';
import { anonymousRoutes, upstreamRoutes } from '../proxy/upstreams.js';

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Outgoing headers: nothing from outside may pose as a gateway header; the principal and ids are set here. */
function upstreamHeaders(request: FastifyRequest, headers: IncomingHttpHeaders, signed: { principal: string; signature: string }) {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    // The bearer token stays at the door: services trust the signed principal, and upstream logs never see it.
    if (name.startsWith('x-duka-') || name === 'authorization' || name === 'x-forwarded-for' || name === 'x-request-id') continue;
    out[name] = value;
  }
  out['x-request-id'] = request.id;
  out['x-forwarded-for'] = request.ips?.length ? request.ips.join(', ') : request.ip;
  out['x-forwarded-proto'] = request.protocol;
  if (request.headers.host) out['x-forwarded-host'] = request.headers.host;
  out['x-duka-principal'] = signed.principal;
  out['x-duka-principal-sig'] = signed.signature;
  return out;
}

export function proxyRoutes(app: App, deps: GatewayDeps, limits: RateLimiters): void {
  for (const route of upstreamRoutes) {
    const base = deps.config[route.upstream].replace(/\/$/, '');
    const auth = route.auth ?? false;
    for (const path of route.paths) {
      app.route({
        method: [...methods],
        url: path,
        // The gateway authenticates by itself; services check permissions on the signed principal.
        config: { permission: 'none' },
        onRequest: async (request, reply) => limits.ip(request, reply, auth),
        preHandler: async (request, reply) => {
          const anonymous = anonymousRoutes.has(`${request.method} ${request.url.split('?')[0]}`);
          const principal = await resolvePrincipal(request, deps.directory, deps.verifier, anonymous);
          request.principal = principal;
          if (principal.tid) {
            request.log = request.log.child({ tenant: principal.tid });
            await limits.tenant(request, reply, principal.tid);
          }
          if (principal.kind === 'user' && principal.sub) await limits.user(request, reply, principal.tid, principal.sub);
        },
        handler: (request, reply) => forward(request, reply, base, deps),
      });
    }
  }
}

function forward(request: FastifyRequest, reply: FastifyReply, base: string, deps: GatewayDeps): FastifyReply {
  const principal = request.principal as Principal;
  const signed = signPrincipal(deps.principalKey, principal);
  // reply-from decodes the URL and throws on bad percent-encoding (`?cursor=%ZZ`): that is the caller's error.
  try {
    decodeURIComponent(request.url);
  } catch {
    return sendProblem(request, reply, errors.BAD_URL('The URL has invalid percent-encoding'));
  }
  // The body goes on byte for byte, an empty one as empty (reply-from would otherwise serialise the Buffer object).
  const raw = request.body instanceof Buffer ? request.body : undefined;
  return reply.from(base + request.url, {
    timeout: deps.config.UPSTREAM_TIMEOUT_MS,
    ...(raw ? { body: raw.length > 0 ? raw : '', contentType: request.headers['content-type'] ?? 'application/octet-stream' } : {}),
    rewriteRequestHeaders: (_req, headers) => upstreamHeaders(request, headers, signed),
    onError: (_reply, { error }) => {
      request.log.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'upstream unavailable');
      sendProblem(request, reply, errors.GATEWAY_UPSTREAM_UNAVAILABLE());
    },
  });
}
