import { z } from 'zod';
import type { App } from '@duka/http';
import type { IdentityDeps } from '../context.js';
import { errors } from '../errors.js';
import { login } from '../flows/login.flow.js';
import { logoutAll } from '../flows/logout.flow.js';
import { refresh } from '../flows/refresh.flow.js';
import { beginTotp, confirmTotp, loginWithOtp, stepUp } from '../flows/otp.flow.js';
import { requestCtx } from './context.js';

const loginBody = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(256) }).strict();
const refreshBody = z.object({ refreshToken: z.string().min(1).max(200) }).strict();
const tokenReply = z.object({ accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number() });
const loginReply = z.union([tokenReply, z.object({ mfaRequired: z.literal(true), challenge: z.string() })]);
const otpCode = z.string().regex(/^\d{6}$/, 'six digits');
const otpLoginBody = z.object({ challenge: z.string().min(1).max(100), code: otpCode }).strict();
const codeBody = z.object({ code: otpCode }).strict();

export function authRoutes(app: App, deps: IdentityDeps): void {
  app.post(
    '/v1/auth/login',
    { config: { permission: 'public' }, schema: { body: loginBody, response: { 200: loginReply } } },
    async (request) => login(requestCtx(request), deps, request.body),
  );

  app.post(
    '/v1/auth/refresh',
    { config: { permission: 'public' }, schema: { body: refreshBody, response: { 200: tokenReply } } },
    async (request) => refresh(requestCtx(request), deps, request.body),
  );

  app.post(
    '/v1/auth/login/otp',
    { config: { permission: 'public' }, schema: { body: otpLoginBody, response: { 200: tokenReply } } },
    async (request) => loginWithOtp(requestCtx(request), deps, request.body),
  );

  // Owners turn on TOTP (DESIGN §6 "OTP for owners"); `mfa:manage` is granted to owners only.
  app.post('/v1/auth/totp/setup', { config: { permission: 'mfa:manage' } }, async (request) => beginTotp(requestCtx(request), deps));
  app.post('/v1/auth/totp/confirm', { config: { permission: 'mfa:manage' }, schema: { body: codeBody } }, async (request, reply) => {
    await confirmTotp(requestCtx(request), deps, request.body);
    return reply.code(204).send();
  });

  app.post(
    '/v1/auth/step-up',
    // Any signed-in user with TOTP may step up (the flow refuses public callers); `public` only means "signed".
    { config: { permission: 'public' }, schema: { body: codeBody } },
    async (request) => {
      const p = request.principal!;
      return stepUp(requestCtx(request), deps, request.body, { sid: p.sid ?? '', amr: p.amr ?? [] });
    },
  );

  app.post('/v1/auth/logout-all', { config: { permission: 'sessions:revoke' } }, async (request, reply) => {
    const ctx = requestCtx(request);
    if (!ctx.tenantId) throw errors.IDENTITY_TENANT_REQUIRED();
    await logoutAll(ctx, deps);
    return reply.code(204).send();
  });
}
