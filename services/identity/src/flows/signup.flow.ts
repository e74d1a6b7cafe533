/**
 * Signup (POST /v1/tenants): creates a tenant, its owner, its first signing key, publishes the JWKS and the
 * storefront host to KV and writes `identity.tenant.created` — all or nothing.
 */
import { randomUUID } from 'node:crypto';
import { UniqueIntegrityConstraintViolationError, withTenant } from '@duka/db';
import type { Ctx, IdentityDeps } from '../context.js';
import { isReservedSlug, normalizeEmail, normalizePhone, passwordProblem, storeHost } from '../domain/account.js';
import { errors } from '../errors.js';
import { emit } from '../events.js';
import { hashPassword } from '../passwords.js';
import { generateSigningKey } from '../signing.js';
import { insertSigningKey } from '../store/signing-key.store.js';
import { insertTenant } from '../store/tenant.store.js';
import { insertUser } from '../store/user.store.js';

export interface SignupInput {
  name: string;
  slug: string;
  owner: { email: string; phone: string; password: string };
}

export interface SignupResult {
  tenant: { id: string; slug: string };
  owner: { id: string };
}

export async function signup(ctx: Ctx, deps: IdentityDeps, input: SignupInput): Promise<SignupResult> {
  const email = normalizeEmail(input.owner.email);
  const weak = passwordProblem(input.owner.password, { email, slug: input.slug });
  if (weak) throw errors.IDENTITY_WEAK_PASSWORD(weak, [{ field: 'body.owner.password', message: weak }]);
  const phone = normalizePhone(input.owner.phone);
  if (!phone) {
    throw errors.IDENTITY_INVALID_PHONE('owner.phone must be a Kenyan mobile number', [
      { field: 'body.owner.phone', message: 'not a Kenyan mobile number' },
    ]);
  }
  if (isReservedSlug(input.slug)) throw errors.IDENTITY_SLUG_TAKEN(`The store address ${input.slug} is reserved`);

  const tenantId = randomUUID();
  const ownerId = randomUUID();
  const [passwordHash, emailIndex, emailCiphertext, phoneCiphertext, key] = await Promise.all([
    hashPassword(input.owner.password),
    deps.keystore.blindIndex(tenantId, 'email', email),
    deps.keystore.encrypt(tenantId, email),
    deps.keystore.encrypt(tenantId, phone),
    generateSigningKey(deps.keystore, tenantId),
  ]);
  const origin = { tenantId, requestId: ctx.requestId, sourceIp: ctx.sourceIp, actor: { kind: 'public' as const, id: 'public' } };

  let eventId: string;
  try {
    eventId = await withTenant(deps.pool, tenantId, async (tx) => {
      await insertTenant(tx, { id: tenantId, slug: input.slug, name: input.name });
      await insertUser(tx, { id: ownerId, tenantId, role: 'owner', emailIndex, emailCiphertext, phoneCiphertext, passwordHash });
      await insertSigningKey(tx, { kid: key.kid, tenantId, publicJwk: { ...key.publicJwk }, privateJwkCiphertext: key.privateJwkCiphertext });
      const id = await emit(tx, 'identity.tenant.created', origin, { tenantId, slug: input.slug, name: input.name, ownerUserId: ownerId });
      // KV before commit: if NATS is down the signup fails whole. A commit failing after these puts leaves entries
      // that point at a tenant id nobody holds, which a later signup of the slug overwrites.
      await deps.kv.jwks.put(tenantId, JSON.stringify({ keys: [key.publicJwk] }));
      await deps.kv.hosts.put(storeHost(input.slug, deps.config.STORE_DOMAIN), tenantId);
      return id;
    });
  } catch (err) {
    if (err instanceof UniqueIntegrityConstraintViolationError && err.constraint === 'tenants_slug_key') {
      throw errors.IDENTITY_SLUG_TAKEN(`The store address ${input.slug} is taken`);
    }
    throw err;
  }
  await deps.relay.publish(tenantId, [eventId]);
  return { tenant: { id: tenantId, slug: input.slug }, owner: { id: ownerId } };
}
