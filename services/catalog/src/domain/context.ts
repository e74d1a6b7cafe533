import type { Tx } from '@duka/db';
import type { Principal } from '@duka/secrets';

/** Who caused a change, as it goes into `EventMeta.actor` (kind: user | shopper | system). */
export interface Actor {
  kind: 'user' | 'shopper' | 'system';
  id: string;
  role: string;
}

/** Context first (STYLE 3): every domain function gets the tenant, actor and request explicitly. */
export interface Ctx {
  tenantId: string;
  actor: Actor;
  requestId: string;
  /** Client address as the gateway saw it; empty when unknown. */
  sourceIp: string;
  tx: Tx;
}

export type CtxWithoutTx = Omit<Ctx, 'tx'>;

/** Builds the context of a request signed by the gateway (the principal is already verified). */
export function ctxFromPrincipal(p: Principal, requestId: string): CtxWithoutTx {
  return {
    tenantId: p.tid,
    actor: p.kind === 'user' ? { kind: 'user', id: p.sub ?? '', role: p.role ?? '' } : { kind: 'shopper', id: p.sid ?? '', role: '' },
    requestId,
    sourceIp: p.ip ?? '',
  };
}
