/**
 * Storing a callback and announcing it, in one tenant transaction: the inbox row and its outbox row commit
 * together, so a callback is either kept and published (eventually) or not kept at all.
 */
import { randomUUID } from 'node:crypto';
import { enqueue, type Tx } from '@duka/db';
import { encodeMessage, mpesaCallback, mpesaSubject, type MpesaKind } from '@duka/contracts';
import { storeCallback } from '../store/callback.store.js';
import { sha256Hex } from './digest.js';

export interface IngestCtx {
  tenantId: string;
  requestId: string;
  tx: Tx;
}

export interface IncomingCallback {
  kind: MpesaKind;
  intentId: string | null;
  /** The body exactly as received. */
  rawBody: Buffer;
  /** Personal data (ends with the phone number): only its hash is stored in a column. */
  checkoutRequestId: string | null;
  sourceIp: string;
}

export interface Ingested {
  callbackId: string;
  /** true when this body was seen before: nothing new was written or enqueued. */
  duplicate: boolean;
}

export async function ingestCallback(ctx: IngestCtx, cb: IncomingCallback): Promise<Ingested> {
  const row = await storeCallback(ctx.tx, {
    id: randomUUID(),
    tenantId: ctx.tenantId,
    kind: cb.kind,
    intentId: cb.intentId,
    checkoutRequestIdHash: cb.checkoutRequestId === null ? null : sha256Hex(cb.checkoutRequestId),
    dedupeKey: sha256Hex(cb.rawBody),
    rawBody: cb.rawBody,
    sourceIp: cb.sourceIp,
  });
  if (!row.fresh) return { callbackId: row.id, duplicate: true };
  // Outbox id = inbox id = Nats-Msg-Id: JetStream drops a second publish of the same callback.
  await enqueue(ctx.tx, 'webhooks', {
    id: row.id,
    tenantId: ctx.tenantId,
    subject: mpesaSubject(cb.kind, ctx.tenantId),
    eventType: `mpesa.${cb.kind}.callback`,
    payload: encodeMessage(mpesaCallback.schema, {
      inboxId: row.id,
      tenantId: ctx.tenantId,
      kind: cb.kind,
      intentId: cb.intentId ?? '',
      receivedAtMs: BigInt(row.receivedAtMs),
      rawBody: new Uint8Array(cb.rawBody),
      requestId: ctx.requestId,
    }),
    headers: { 'Duka-Request-Id': ctx.requestId },
  });
  return { callbackId: row.id, duplicate: false };
}
