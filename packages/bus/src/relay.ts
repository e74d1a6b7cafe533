import { sql, withTenant, type DatabasePool } from '@duka/db';
import type { Logger } from '@duka/log';
import { z } from 'zod';
import type { Bus } from './bus.js';

const outboxRow = z.object({
  id: z.string(),
  tenant_id: z.string(),
  subject: z.string(),
  event_type: z.string(),
  payload: z.instanceof(Buffer),
  headers: z.record(z.string(), z.string()),
});
const pendingRow = z.object({ id: z.string(), tenant_id: z.string() });

export interface RelayOptions {
  bus: Bus;
  pool: DatabasePool;
  /** The service schema holding the `outbox` table. */
  schema: string;
  logger: Logger;
  /** How often the catch-up sweep runs (default 1 s). */
  sweepMs?: number;
}

/**
 * Publishes outbox rows to JetStream (STYLE 6). Services call `publish(tenantId, ids)` right after their
 * transaction commits; a periodic sweep publishes whatever that missed (crash, NATS down). `Nats-Msg-Id` is the
 * outbox id, so a row published twice is stored once.
 */
export class OutboxRelay {
  readonly #o: RelayOptions;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(opts: RelayOptions) {
    this.#o = opts;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#sweeping ??= this.sweep()
        .catch((err) => this.#o.logger.warn({ err }, 'outbox sweep failed'))
        .finally(() => (this.#sweeping = undefined));
    }, this.#o.sweepMs ?? 1_000);
    this.#timer.unref();
  }

  /** Publishes the given rows now; failures are left for the sweep. Never throws. */
  publish(tenantId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    const p = this.#publishRows(tenantId, ids)
      .catch((err) => this.#o.logger.warn({ err, tenant: tenantId }, 'outbox publish deferred to sweep'))
      .finally(() => this.#inFlight.delete(p));
    this.#inFlight.add(p);
    return p;
  }

  async #publishRows(tenantId: string, ids: string[]): Promise<void> {
    const table = sql.identifier([this.#o.schema, 'outbox']);
    await withTenant(this.#o.pool, tenantId, async (tx) => {
      // skip locked: the sweep and an immediate publish never send the same row at the same time.
      const rows = await tx.any(sql.type(outboxRow)`
        select id, tenant_id, subject, event_type, payload, headers from ${table}
        where id = any(${sql.array(ids, 'uuid')}) and published_at is null
        order by created_at for update skip locked`);
      for (const row of rows) {
        await this.#o.bus.publish(row.subject, row.payload, {
          msgId: row.id,
          tenantId: row.tenant_id,
          eventType: row.event_type,
          requestId: row.headers['Duka-Request-Id'],
          extra: row.headers,
        });
      }
      if (rows.length > 0) {
        await tx.query(sql.unsafe`update ${table} set published_at = now() where id = any(${sql.array(rows.map((r) => r.id), 'uuid')})`);
      }
    });
  }

  /** One catch-up pass over every tenant's unpublished rows (through the definer function). */
  async sweep(): Promise<void> {
    const fn = sql.identifier([this.#o.schema, 'outbox_pending']);
    const pending = await this.#o.pool.any(sql.type(pendingRow)`select id, tenant_id from ${fn}(500)`);
    const byTenant = new Map<string, string[]>();
    for (const r of pending) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.id]);
    for (const [tenantId, ids] of byTenant) await this.#publishRows(tenantId, ids);
  }

  /** Stops the sweep and waits for publishes in flight. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#sweeping;
    await Promise.allSettled(this.#inFlight);
  }
}
