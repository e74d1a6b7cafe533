import { createServiceApp, type App } from '@duka/http';
import type { IdentityDeps } from './context.js';
import { retryAfterOf } from './errors.js';
import { authRoutes } from './routes/auth.routes.js';
import { tenantRoutes } from './routes/tenants.routes.js';

export type { IdentityDeps } from './context.js';

/** Builds identity's HTTP app from its dependencies; does not listen (STYLE 1). */
export async function buildApp(deps: IdentityDeps): Promise<App> {
  const app = createServiceApp({
    service: 'identity',
    logger: deps.logger,
    principalKey: deps.principalKey,
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
  });
  // A throttled login or OTP answers 429 with Retry-After (the shared error handler sends the problem itself).
  app.addHook('onError', async (_request, reply, error) => {
    const retry = retryAfterOf(error);
    if (retry !== undefined) void reply.header('retry-after', String(retry));
  });
  tenantRoutes(app, deps);
  authRoutes(app, deps);
  await app.ready();
  return app;
}
