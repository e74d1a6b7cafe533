/** SQL for webhooks.callbacks (the inbox). Runs inside the caller's withTenant transaction. */
import { sql, type Tx } from '@duka/db';
import type { MpesaKind } from '@duka/contracts';
import { z } from 'zod';

export interface NewCallback {
  id: string;
  tenantId: string;
  kind: MpesaKind;
  intentId: string | null;
  checkoutRequestIdHash: string | null;
  dedupeKey: string;
  rawBody: Buffer;
  sourceIp: string;
}

const stored = z.object({ id: z.string(), received_at: z.number() });

export interface StoredCallback {
  id: string;
  receivedAtMs: number;
  /** false when a byte-identical body was stored before: the first row is returned and nothing new is published. */
  fresh: boolean;
}

export async function storeCallback(tx: Tx, c: NewCallback): Promise<StoredCallback> {
  const inserted = await tx.maybeOne(sql.type(stored)`
    insert into webhooks.callbacks (id, tenant_id, kind, intent_id, checkout_request_id_hash, dedupe_key, raw_body, source_ip)
    values (${c.id}, ${c.tenantId}, ${c.kind}, ${c.intentId}, ${c.checkoutRequestIdHash}, ${c.dedupeKey},
            ${sql.binary(c.rawBody)}, ${c.sourceIp}::inet)
    on conflict (tenant_id, kind, dedupe_key) do nothing
    returning id, received_at`);
  if (inserted) return { id: inserted.id, receivedAtMs: inserted.received_at, fresh: true };
  // A concurrent twin waits on the unique index until the first commits, so the first row is visible here.
  const first = await tx.one(sql.type(stored)`
    select id, received_at from webhooks.callbacks
    where tenant_id = ${c.tenantId} and kind = ${c.kind} and dedupe_key = ${c.dedupeKey}`);
  return { id: first.id, receivedAtMs: first.received_at, fresh: false };
}
