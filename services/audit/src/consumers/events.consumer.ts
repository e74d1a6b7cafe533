import type { Bus, BusMessage } from '@duka/bus';
import { eventToJson, parseEventSubject } from '@duka/contracts';
import { isUuid, withTenant, type DatabasePool } from '@duka/db';
import type { Logger } from '@duka/log';
import type { Json } from '../domain/canonical-json.js';
import { describeEvent, describeUnknownEvent } from '../domain/describe-event.js';
import type { EntryDraft } from '../domain/entry.js';
import { appendEntry } from '../store/entries.store.js';

export const AUDIT_DURABLE = 'audit';

export interface AuditConsumerDeps {
  bus: Bus;
  pool: DatabasePool;
  logger: Logger;
}

const typeShape = /^[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+$/;

/** A message that can never be recorded (malformed subject, tenant mismatch): redelivery cannot fix it. */
export class UnauditableEventError extends Error {
  override readonly name = 'UnauditableEventError';
}

/**
 * Derives the entry for one EVENTS message. Registered types are decoded and redacted; a well-formed subject of a
 * type this build does not know is recorded from its headers alone (see describeUnknownEvent).
 */
export function draftFor(msg: BusMessage, now: number): { tenantId: string; draft: EntryDraft } {
  const parsed = parseEventSubject(msg.subject);
  if (parsed) {
    const json = eventToJson(parsed.type, msg.data) as Json;
    const draft = describeEvent({
      type: parsed.type,
      tenantId: parsed.tenantId,
      json,
      fallback: { eventId: msg.msgId, requestId: msg.requestId, receivedAt: now },
    });
    const metaTenant = (json as { meta?: { tenantId?: string } }).meta?.tenantId;
    if (metaTenant && metaTenant !== parsed.tenantId) throw new UnauditableEventError('meta.tenantId differs from the subject tenant');
    return { tenantId: parsed.tenantId, draft };
  }
  const tokens = msg.subject.split('.');
  const type = tokens.slice(1, 4).join('.');
  const tenantId = tokens[4] ?? '';
  if (tokens.length !== 5 || tokens[0] !== 'evt' || !typeShape.test(type) || !msg.msgId) {
    throw new UnauditableEventError('not an event subject');
  }
  return {
    tenantId,
    draft: describeUnknownEvent({ type, tenantId, eventId: msg.msgId, requestId: msg.requestId, receivedAt: now, bytes: msg.data.length }),
  };
}

/** Handles one EVENTS message: append it to its tenant's chain (once, whatever the number of deliveries). */
export async function handleEvent(deps: Omit<AuditConsumerDeps, 'bus'>, msg: BusMessage): Promise<void> {
  const now = Date.now();
  const { tenantId, draft } = draftFor(msg, now);
  if (!isUuid(tenantId)) throw new UnauditableEventError('tenant is not a UUID');
  if (msg.tenantId && msg.tenantId !== tenantId) throw new UnauditableEventError('Duka-Tenant header differs from the subject tenant');
  const entry = await withTenant(deps.pool, tenantId, (tx) => appendEntry(tx, tenantId, draft, now));
  const log = deps.logger.child({ tenant: tenantId, reqId: draft.requestId });
  if (entry) log.debug({ action: entry.action, seq: entry.seq }, 'audit entry recorded');
  else log.debug({ action: draft.action, eventId: draft.eventId }, 'audit entry already recorded');
}

/** Starts the durable `audit` consumer over every event (`evt.>`). */
export async function startAuditConsumer(deps: AuditConsumerDeps): Promise<void> {
  await deps.bus.consume({
    stream: 'EVENTS',
    durable: AUDIT_DURABLE,
    filter: 'evt.>',
    // Order matters within a tenant's chain only by arrival; one at a time keeps appends simple and cheap.
    concurrency: 1,
    maxDeliver: 8,
    handler: async (msg) => {
      try {
        await handleEvent(deps, msg);
      } catch (err) {
        if (err instanceof UnauditableEventError || (err as { name?: string }).name === 'ContractError') {
          deps.logger.error({ err, subject: msg.subject, msgId: msg.msgId }, 'event cannot be audited');
        }
        throw err;
      }
    },
  });
}
