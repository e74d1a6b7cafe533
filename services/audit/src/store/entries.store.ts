import { sql, type Tx } from '@duka/db';
import { z } from 'zod';
import type { Json } from '../domain/canonical-json.js';
import { chainEntry, type Entry, type EntryDraft } from '../domain/entry.js';

const jsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

const entryRow = z.object({
  tenant_id: z.string(),
  seq: z.number(),
  event_id: z.string(),
  action: z.string(),
  actor_kind: z.string(),
  actor_id: z.string(),
  actor_role: z.string(),
  target_type: z.string(),
  target_id: z.string(),
  source_ip: z.string(),
  request_id: z.string(),
  occurred_at: z.number(),
  recorded_at: z.number(),
  data: z.record(z.string(), jsonValue),
  prev_hash: z.string(),
  hash: z.string(),
});
type EntryRow = z.infer<typeof entryRow>;

const columns = sql.fragment`tenant_id, seq, event_id, action, actor_kind, actor_id, actor_role, target_type, target_id,
  source_ip, request_id, occurred_at, recorded_at, data, prev_hash, hash`;

function toEntry(r: EntryRow): Entry {
  return {
    tenantId: r.tenant_id,
    seq: r.seq,
    eventId: r.event_id,
    action: r.action,
    actor: { kind: r.actor_kind, id: r.actor_id, role: r.actor_role },
    target: { type: r.target_type, id: r.target_id },
    sourceIp: r.source_ip,
    requestId: r.request_id,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    data: r.data,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Appends a draft to the current tenant's chain; returns the entry, or null when this event id is already
 * recorded (redelivery). Runs inside withTenant: the per-tenant advisory lock serialises appends, so two
 * consumers can never take the same head.
 */
export async function appendEntry(tx: Tx, tenantId: string, draft: EntryDraft, now = Date.now()): Promise<Entry | null> {
  await tx.query(sql.unsafe`select pg_advisory_xact_lock(hashtext(${'audit:' + tenantId}))`);
  const seen = await tx.maybeOne(sql.type(z.object({ seq: z.number() }))`
    select seq from audit.entries where tenant_id = ${tenantId} and event_id = ${draft.eventId}`);
  if (seen) return null;
  const head = await tx.maybeOne(sql.type(z.object({ seq: z.number(), hash: z.string() }))`
    select seq, hash from audit.entries where tenant_id = ${tenantId} order by seq desc limit 1`);
  const e = chainEntry(tenantId, draft, head, now);
  await tx.query(sql.unsafe`
    insert into audit.entries (${columns})
    values (${e.tenantId}, ${e.seq}, ${e.eventId}, ${e.action}, ${e.actor.kind}, ${e.actor.id}, ${e.actor.role},
            ${e.target.type}, ${e.target.id}, ${e.sourceIp}, ${e.requestId}, ${iso(e.occurredAt)}::timestamptz,
            ${iso(e.recordedAt)}::timestamptz, ${sql.jsonb(e.data)}, ${e.prevHash}, ${e.hash})`);
  return e;
}

export interface ListQuery {
  limit: number;
  /** Entries with seq below this (keyset, newest first). */
  beforeSeq?: number | undefined;
  action?: string | undefined;
}

/** Newest first; fetches one more than `limit` so the caller knows whether a next page exists. */
export async function listEntries(tx: Tx, tenantId: string, q: ListQuery): Promise<Entry[]> {
  const where = [sql.fragment`tenant_id = ${tenantId}`];
  if (q.beforeSeq !== undefined) where.push(sql.fragment`seq < ${q.beforeSeq}`);
  if (q.action !== undefined) where.push(sql.fragment`action = ${q.action}`);
  const rows = await tx.any(sql.type(entryRow)`
    select ${columns} from audit.entries where ${sql.join(where, sql.fragment` and `)}
    order by seq desc limit ${q.limit + 1}`);
  return rows.map(toEntry);
}

/** The chain in seq order, a page at a time (verification of a long chain keeps memory flat). */
export async function chainPage(tx: Tx, tenantId: string, afterSeq: number, size: number): Promise<Entry[]> {
  const rows = await tx.any(sql.type(entryRow)`
    select ${columns} from audit.entries where tenant_id = ${tenantId} and seq > ${afterSeq}
    order by seq limit ${size}`);
  return rows.map(toEntry);
}
