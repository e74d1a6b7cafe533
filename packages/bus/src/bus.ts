import { connect, headers, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { Logger } from '@duka/log';
import { streamConfig, streamDefs, type StreamName } from './streams.js';
import { injectTrace, withConsumerSpan } from './trace.js';

/** Headers every Duka message carries (DESIGN §5). */
export const H = {
  msgId: 'Nats-Msg-Id',
  tenant: 'Duka-Tenant',
  eventType: 'Duka-Event-Type',
  requestId: 'Duka-Request-Id',
} as const;

export interface PublishMeta {
  msgId: string;
  tenantId: string;
  eventType: string;
  requestId?: string;
  extra?: Record<string, string>;
}

/** A delivered message, as a handler sees it. */
export interface BusMessage {
  /** The logical subject (namespace removed). */
  subject: string;
  data: Uint8Array;
  msgId: string;
  tenantId: string;
  eventType: string;
  requestId: string;
  deliveryCount: number;
  headers: MsgHdrs | undefined;
}

export interface ConsumeOptions {
  stream: StreamName;
  durable: string;
  /** Logical filter subject, e.g. `mpesa.stk.>`. */
  filter: string;
  handler: (msg: BusMessage) => Promise<void>;
  /** Deliveries before the message goes to the DLQ (default 5). */
  maxDeliver?: number;
  /** Redelivery delays in ms by attempt (default 1s, 5s, 15s, 30s...). */
  backoffMs?: number[];
  /** Messages processed at once (default 1: keeps a tenant's events in order). */
  concurrency?: number;
  ackWaitMs?: number;
}

export interface BusOptions {
  servers: string;
  name: string;
  namespace?: string;
  logger: Logger;
}

const defaultBackoff = [1_000, 5_000, 15_000, 30_000];

/**
 * Thrown by a handler for a message that no retry can fix (undecodable, wrong tenant): it goes to the DLQ at once.
 */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
}

/**
 * One NATS connection per service with JetStream streams, durable pull consumers, KV buckets and request/reply.
 * Code speaks logical subjects (`evt.>`); with a namespace (tests) they become `<ns>.evt.>` and stream
 * names `<ns>_EVENTS`, so a test run never meets a running stack's messages.
 */
export class Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly namespace: string;
  readonly #log: Logger;
  readonly #consumers: Array<{ messages: ConsumerMessages; done: Promise<void> }> = [];
  readonly #kvm: Kvm;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, namespace: string, logger: Logger) {
    this.nc = nc;
    this.jsm = jsm;
    this.js = jetstream(nc);
    this.namespace = namespace;
    this.#log = logger;
    this.#kvm = new Kvm(this.js);
  }

  static async connect(opts: BusOptions): Promise<Bus> {
    const nc = await connect({ servers: opts.servers.split(','), name: opts.name, maxReconnectAttempts: -1 });
    const jsm = await jetstreamManager(nc);
    return new Bus(nc, jsm, opts.namespace ?? '', opts.logger);
  }

  /** The wire subject for a logical one. */
  subject(logical: string): string {
    return this.namespace ? `${this.namespace}.${logical}` : logical;
  }

  /** The logical subject for a wire one. */
  logical(wire: string): string {
    return this.namespace && wire.startsWith(this.namespace + '.') ? wire.slice(this.namespace.length + 1) : wire;
  }

  streamName(name: StreamName): string {
    return this.namespace ? `${this.namespace}_${name}` : name;
  }

  /** Declares the four streams (idempotent: creates or updates). */
  async ensureStreams(): Promise<void> {
    for (const [name, def] of Object.entries(streamDefs) as Array<[StreamName, (typeof streamDefs)[StreamName]]>) {
      const cfg = streamConfig(this.streamName(name), def.subjects.map((s) => this.subject(s)), def);
      try {
        await this.jsm.streams.info(cfg.name);
        await this.jsm.streams.update(cfg.name, cfg);
      } catch (err) {
        if (!/stream not found/i.test((err as Error).message)) throw err;
        await this.jsm.streams.add(cfg);
      }
    }
  }

  /** Publishes to JetStream and waits for the server's ack. Duplicates by `msgId` are dropped server-side. */
  async publish(logicalSubject: string, data: Uint8Array, meta: PublishMeta): Promise<{ duplicate: boolean }> {
    const h = headers();
    h.set(H.msgId, meta.msgId);
    h.set(H.tenant, meta.tenantId);
    h.set(H.eventType, meta.eventType);
    if (meta.requestId) h.set(H.requestId, meta.requestId);
    for (const [k, v] of Object.entries(meta.extra ?? {})) h.set(k, v);
    injectTrace(h);
    const ack = await this.js.publish(this.subject(logicalSubject), data, { msgID: meta.msgId, headers: h });
    return { duplicate: ack.duplicate };
  }

  /**
   * Creates (or updates) a durable pull consumer and processes its messages: explicit ack; a failing handler
   * gets a delayed redelivery; on the last attempt the message goes to `dlq.<stream>.<durable>` and is terminated.
   */
  async consume(opts: ConsumeOptions): Promise<void> {
    const stream = this.streamName(opts.stream);
    const maxDeliver = opts.maxDeliver ?? 5;
    const backoff = opts.backoffMs ?? defaultBackoff;
    const durable = this.namespace ? `${this.namespace}_${opts.durable}` : opts.durable;
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.subject(opts.filter),
      max_deliver: maxDeliver,
      ack_wait: (opts.ackWaitMs ?? 30_000) * 1_000_000,
    };
    try {
      await this.jsm.consumers.info(stream, durable);
      await this.jsm.consumers.update(stream, durable, config);
    } catch (err) {
      if (!/consumer not found/i.test((err as Error).message)) throw err;
      await this.jsm.consumers.add(stream, config);
    }
    const consumer = await this.js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: Math.max(10, (opts.concurrency ?? 1) * 4) });
    const inFlight = new Set<Promise<void>>();
    const limit = opts.concurrency ?? 1;
    const done = (async () => {
      for await (const m of messages) {
        const p = this.#handle(m, opts, maxDeliver, backoff).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= limit) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    })();
    this.#consumers.push({ messages, done });
  }

  async #handle(m: JsMsg, opts: ConsumeOptions, maxDeliver: number, backoff: number[]): Promise<void> {
    const msg: BusMessage = {
      subject: this.logical(m.subject),
      data: m.data,
      msgId: m.headers?.get(H.msgId) ?? '',
      tenantId: m.headers?.get(H.tenant) ?? '',
      eventType: m.headers?.get(H.eventType) ?? '',
      requestId: m.headers?.get(H.requestId) ?? '',
      deliveryCount: m.info.deliveryCount,
      headers: m.headers,
    };
    const log = this.#log.child({ durable: opts.durable, reqId: msg.requestId, tenant: msg.tenantId, msgId: msg.msgId });
    try {
      await withConsumerSpan(m.subject, m.headers, () => opts.handler(msg));
      m.ack();
    } catch (err) {
      if (msg.deliveryCount >= maxDeliver || err instanceof PermanentFailure) {
        log.error({ err, attempts: msg.deliveryCount }, 'message failed its last attempt: moving to DLQ');
        await this.#deadLetter(m, opts, err as Error).catch((e) => log.error({ err: e }, 'DLQ publish failed'));
        m.term();
      } else {
        const delay = backoff[Math.min(msg.deliveryCount - 1, backoff.length - 1)] ?? 1_000;
        log.warn({ err, attempt: msg.deliveryCount, retryInMs: delay }, 'message handler failed: will retry');
        m.nak(delay);
      }
    }
  }

  async #deadLetter(m: JsMsg, opts: ConsumeOptions, err: Error): Promise<void> {
    const h = headers();
    for (const key of m.headers?.keys() ?? []) if (key !== H.msgId) h.set(key, m.headers!.get(key));
    h.set('Duka-Original-Subject', this.logical(m.subject));
    h.set('Duka-Original-Stream-Seq', String(m.seq));
    h.set('Duka-Error', err.name + ': ' + err.message.slice(0, 200));
    const id = `${opts.durable}:${m.info.stream}:${m.seq}`;
    h.set(H.msgId, id);
    await this.js.publish(this.subject(`dlq.${opts.stream}.${opts.durable}`), m.data, { msgID: id, headers: h });
  }

  /** Opens (creating when absent) a KV bucket by logical name: `auth_jwks`, `auth_revocations`, `tenant_hosts`. */
  async kv(bucket: 'auth_jwks' | 'auth_revocations' | 'tenant_hosts'): Promise<KV> {
    return this.#kvm.create(this.namespace ? `${this.namespace}_${bucket}` : bucket, { history: 1 });
  }

  /** Stops taking new messages, lets handlers in flight finish, then drains and closes the connection. */
  async close(): Promise<void> {
    for (const c of this.#consumers) c.messages.stop();
    await Promise.allSettled(this.#consumers.map((c) => c.done));
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  /** True when the connection is up and JetStream answers. */
  async ping(): Promise<boolean> {
    if (this.nc.isClosed()) return false;
    await this.jsm.getAccountInfo();
    return true;
  }
}

/** Deletes every stream and KV bucket of a namespace (test clean-up). Refuses the empty namespace. */
export async function destroyNamespace(bus: Bus): Promise<void> {
  if (!bus.namespace) throw new Error('destroyNamespace: refusing to delete the default namespace');
  for await (const name of bus.jsm.streams.names()) {
    if (name.startsWith(`${bus.namespace}_`) || name.startsWith(`KV_${bus.namespace}_`)) await bus.jsm.streams.delete(name);
  }
}
