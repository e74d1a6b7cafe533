import type { Json } from './canonical-json.js';
import type { Actor, EntryDraft, Target } from './entry.js';

/**
 * Turns an event (its canonical proto JSON from `eventToJson`) into an audit entry draft: action = event type,
 * actor and request from `meta`, the target it is about, and the body minus `meta` and personal data.
 */

type JsonObject = { [key: string]: Json };

// Personal data and secrets never enter the audit log (DESIGN §8): phones, emails, their ciphertexts, credentials.
const personalKey = /phone|email|ciphertext|recipient|password|secret|token|passkey|msisdn/i;

/** Deep copy of `value` without personal-data keys. */
export function redact(value: Json): Json {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (!personalKey.test(k)) out[k] = redact(v);
    return out;
  }
  return value;
}

const str = (v: Json | undefined): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const obj = (v: Json | undefined): JsonObject => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {});

/** Which body field names the aggregate each event type is about. */
const targets: Record<string, (body: JsonObject, tenantId: string) => Target> = {
  'identity.tenant.created': (b, t) => ({ type: 'tenant', id: str(b.tenantId) || t }),
  'identity.user.logged_in': (b) => ({ type: 'user', id: str(b.userId) }),
  'identity.login.failed': (_b, t) => ({ type: 'tenant', id: t }),
  'identity.sessions.revoked': (b, t) => (str(b.userId) ? { type: 'user', id: str(b.userId) } : { type: 'tenant', id: t }),
  'catalog.product.created': (b) => ({ type: 'product', id: str(b.productId) }),
  'catalog.product.price_changed': (b) => ({ type: 'product', id: str(b.productId) }),
  'payments.payment.created': (b) => ({ type: 'payment', id: str(b.paymentId) }),
  'payments.payment.succeeded': (b) => ({ type: 'payment', id: str(b.paymentId) }),
  'payments.payment.failed': (b) => ({ type: 'payment', id: str(b.paymentId) }),
  'notifications.delivery.recorded': (b) => ({ type: 'delivery', id: str(b.deliveryId) }),
};

/** A target for event types without an entry above: the first `<x>Id` field of the body, else the tenant. */
function guessTarget(type: string, body: JsonObject, tenantId: string): Target {
  const aggregate = type.split('.')[1] ?? 'unknown';
  const key = Object.keys(body).find((k) => /Id$/.test(k) && typeof body[k] === 'string' && body[k] !== '');
  return key ? { type: aggregate, id: str(body[key]) } : { type: 'tenant', id: tenantId };
}

export interface DescribeInput {
  type: string;
  tenantId: string;
  /** Canonical proto JSON of the event body. */
  json: Json;
  /** From the message headers; used when the body's meta lacks them. */
  fallback: { eventId: string; requestId: string; receivedAt: number };
}

export function describeEvent(input: DescribeInput): EntryDraft {
  const body = obj(input.json);
  const meta = obj(body.meta);
  const actor = obj(meta.actor);
  const rest: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (k !== 'meta') rest[k] = v;
  const occurredMs = Number(str(meta.occurredAtMs));
  const a: Actor = { kind: str(actor.kind) || 'system', id: str(actor.id), role: str(actor.role) };
  return {
    eventId: str(meta.eventId) || input.fallback.eventId,
    action: input.type,
    actor: a,
    target: (targets[input.type] ?? ((b, t) => guessTarget(input.type, b, t)))(rest, input.tenantId),
    sourceIp: str(meta.sourceIp),
    requestId: str(meta.requestId) || input.fallback.requestId,
    occurredAt: Number.isSafeInteger(occurredMs) && occurredMs > 0 ? occurredMs : input.fallback.receivedAt,
    data: redact(rest) as JsonObject,
  };
}

/**
 * Draft for an event type this build does not know (a newer producer): recorded from headers only, without its
 * body, which cannot be decoded, and so cannot be checked for personal data.
 */
export function describeUnknownEvent(input: {
  type: string;
  tenantId: string;
  eventId: string;
  requestId: string;
  receivedAt: number;
  bytes: number;
}): EntryDraft {
  return {
    eventId: input.eventId,
    action: input.type,
    actor: { kind: 'unknown', id: '', role: '' },
    target: { type: 'tenant', id: input.tenantId },
    sourceIp: '',
    requestId: input.requestId,
    occurredAt: input.receivedAt,
    data: { undecoded: true, bodyBytes: input.bytes },
  };
}
