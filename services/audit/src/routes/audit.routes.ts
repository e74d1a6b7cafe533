import { eventTypes } from '@duka/contracts';
import { withTenant, type DatabasePool } from '@duka/db';
import { decodeCursor, keysetPage, type App } from '@duka/http';
import { z } from 'zod';
import { ChainVerifier, type Entry } from '../domain/entry.js';
import { errors } from '../errors.js';
import { chainPage, listEntries } from '../store/entries.store.js';

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(64).optional(),
    // Filters come from an allow-list (DESIGN §4): the registered event types.
    action: z.enum(eventTypes as [string, ...string[]]).optional(),
  })
  .strict();

// Newest first: the cursor is the last entry's sequence number.
const cursorKey = z.object({ seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

function view(e: Entry) {
  return {
    id: e.eventId,
    seq: e.seq,
    action: e.action,
    actor: e.actor,
    target: e.target,
    at: new Date(e.occurredAt).toISOString(),
    recordedAt: new Date(e.recordedAt).toISOString(),
    requestId: e.requestId,
    sourceIp: e.sourceIp,
    data: e.data,
  };
}

const verifyPageSize = 1_000;

export function auditRoutes(app: App, deps: { pool: DatabasePool }): void {
  app.get('/v1/audit', { config: { permission: 'audit:read' }, schema: { querystring: listQuery } }, async (request) => {
    const tenantId = request.principal!.tid;
    const q = request.query;
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, cursorKey);
    if (after === null) throw errors.AUDIT_INVALID_CURSOR();
    const rows = await withTenant(deps.pool, tenantId, (tx) => listEntries(tx, tenantId, { limit: q.limit, beforeSeq: after?.seq, action: q.action }));
    const { items, nextCursor } = keysetPage(rows, q.limit, (last) => ({ seq: last.seq }));
    return { items: items.map(view), nextCursor };
  });

  app.get('/v1/audit/verify', { config: { permission: 'audit:read' } }, async (request) => {
    const tenantId = request.principal!.tid;
    const verifier = new ChainVerifier();
    await withTenant(deps.pool, tenantId, async (tx) => {
      // One transaction for the whole walk; appends made meanwhile land after the last page read, or in it.
      for (let after = 0; ; ) {
        const page = await chainPage(tx, tenantId, after, verifyPageSize);
        for (const e of page) verifier.add(e);
        const last = page.at(-1);
        if (!last || page.length < verifyPageSize) break;
        after = last.seq;
      }
    });
    const r = verifier.result();
    return r.ok ? { ok: true, entries: r.entries } : { ok: false, entries: r.entries, brokenAt: r.brokenAt, reason: r.reason };
  });
}
