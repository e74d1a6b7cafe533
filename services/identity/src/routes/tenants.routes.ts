import { z } from 'zod';
import type { App } from '@duka/http';
import type { IdentityDeps } from '../context.js';
import { slugPattern } from '../domain/account.js';
import { signup } from '../flows/signup.flow.js';
import { requestCtx } from './context.js';

const signupBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    slug: z.string().regex(slugPattern, 'lowercase letters, digits and inner hyphens, 3 to 32 characters'),
    owner: z
      .object({
        email: z.email().max(254),
        phone: z.string().min(7).max(32),
        password: z.string().max(256),
      })
      .strict(),
  })
  .strict();

const signupReply = z.object({ tenant: z.object({ id: z.string(), slug: z.string() }), owner: z.object({ id: z.string() }) });

export function tenantRoutes(app: App, deps: IdentityDeps): void {
  // No tenant exists yet: the gateway signs a public principal with an empty tid and identity makes the id.
  app.post(
    '/v1/tenants',
    { config: { permission: 'public' }, schema: { body: signupBody, response: { 201: signupReply } } },
    async (request, reply) => {
      const result = await signup(requestCtx(request), deps, request.body);
      request.log.info({ tenant: result.tenant.id }, 'tenant created');
      return reply.code(201).send(result);
    },
  );
}
