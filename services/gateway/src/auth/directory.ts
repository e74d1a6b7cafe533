/**
 * What the gateway knows about tenants without a database: storefront hosts, each tenant's public JWKS and the
 * revocation times, mirrored from NATS KV.
 */
import type { KV } from '@nats-io/kv';
import type { Logger } from '@duka/log';
import { KvMirror } from './kv-mirror.js';

export class AuthDirectory {
  private constructor(
    readonly hosts: KvMirror,
    readonly jwks: KvMirror,
    readonly revocations: KvMirror,
  ) {}

  static async start(kv: { hosts: KV; jwks: KV; revocations: KV }, logger: Logger): Promise<AuthDirectory> {
    const [hosts, jwks, revocations] = await Promise.all([
      KvMirror.start(kv.hosts, logger, 'tenant_hosts'),
      KvMirror.start(kv.jwks, logger, 'auth_jwks'),
      KvMirror.start(kv.revocations, logger, 'auth_revocations'),
    ]);
    return new AuthDirectory(hosts, jwks, revocations);
  }

  /** Tokens of this tenant (and user) issued before the returned epoch ms are refused; 0 = none. */
  notBefore(tenantId: string, userId: string): number {
    const all = Number(this.revocations.get(tenantId) ?? 0) || 0;
    const one = Number(this.revocations.get(`${tenantId}.${userId}`) ?? 0) || 0;
    return Math.max(all, one);
  }

  async stop(): Promise<void> {
    await Promise.all([this.hosts.stop(), this.jwks.stop(), this.revocations.stop()]);
  }
}
