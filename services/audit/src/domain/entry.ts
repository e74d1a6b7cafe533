import { createHash } from 'node:crypto';
import { canonicalJson, type Json } from './canonical-json.js';

/** Who caused an audited event (EventMeta.actor). */
export interface Actor {
  kind: string;
  id: string;
  role: string;
}

/** What an audited event is about. */
export interface Target {
  type: string;
  id: string;
}

/** An entry as derived from one event, before it takes its place in the tenant's chain. */
export interface EntryDraft {
  eventId: string;
  action: string;
  actor: Actor;
  target: Target;
  sourceIp: string;
  requestId: string;
  /** Epoch ms. */
  occurredAt: number;
  data: { [key: string]: Json };
}

/** A stored entry: the draft plus its place in the chain. */
export interface Entry extends EntryDraft {
  tenantId: string;
  seq: number;
  /** Epoch ms, whole milliseconds (what Postgres keeps exactly). */
  recordedAt: number;
  prevHash: string;
  hash: string;
}

/** prev_hash of a tenant's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields the hash covers: everything of the entry except the hashes themselves. */
export function hashedFields(e: Omit<Entry, 'prevHash' | 'hash'>): Json {
  return {
    tenantId: e.tenantId,
    seq: e.seq,
    eventId: e.eventId,
    action: e.action,
    actor: { kind: e.actor.kind, id: e.actor.id, role: e.actor.role },
    target: { type: e.target.type, id: e.target.id },
    sourceIp: e.sourceIp,
    requestId: e.requestId,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    data: e.data,
  };
}

/** hash = sha256(prev_hash || canonical JSON of the entry's fields), hex. */
export function entryHash(prevHash: string, e: Omit<Entry, 'prevHash' | 'hash'>): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(hashedFields(e))).digest('hex');
}

/** Places a draft after the chain head (`head` null for a tenant's first entry). */
export function chainEntry(
  tenantId: string,
  draft: EntryDraft,
  head: { seq: number; hash: string } | null,
  recordedAt: number,
): Entry {
  const base = { ...draft, tenantId, seq: (head?.seq ?? 0) + 1, recordedAt: Math.trunc(recordedAt) };
  const prevHash = head?.hash ?? GENESIS_HASH;
  return { ...base, prevHash, hash: entryHash(prevHash, base) };
}

export type ChainCheck = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; reason: string };

/**
 * Incremental verifier: feed entries in seq order. Detects edited fields (hash mismatch), re-linked entries
 * (prev_hash mismatch) and removed or inserted entries (gaps in seq).
 */
export class ChainVerifier {
  #prev: { seq: number; hash: string } | null = null;
  #count = 0;
  #broken: { seq: number; reason: string } | null = null;

  add(e: Entry): boolean {
    this.#count++;
    if (this.#broken) return false;
    const expectedSeq = (this.#prev?.seq ?? 0) + 1;
    const expectedPrev = this.#prev?.hash ?? GENESIS_HASH;
    if (e.seq !== expectedSeq) this.#broken = { seq: e.seq, reason: `expected seq ${expectedSeq}` };
    else if (e.prevHash !== expectedPrev) this.#broken = { seq: e.seq, reason: 'prev_hash does not match the previous entry' };
    else if (entryHash(e.prevHash, e) !== e.hash) this.#broken = { seq: e.seq, reason: 'hash does not match the entry' };
    this.#prev = { seq: e.seq, hash: e.hash };
    return this.#broken === null;
  }

  result(): ChainCheck {
    return this.#broken
      ? { ok: false, entries: this.#count, brokenAt: this.#broken.seq, reason: this.#broken.reason }
      : { ok: true, entries: this.#count };
  }
}
