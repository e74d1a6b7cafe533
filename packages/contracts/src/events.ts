import { create, toBinary, toJson } from '@bufbuild/protobuf';
import type { DescMessage, JsonValue, JsonWriteOptions, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { decodeMessage } from './codec.js';
import { ContractError } from './errors.js';
import { subjectToken } from './subjects.js';
import type { EventMeta } from './gen/duka/common/v1/meta_pb.js';
import { ProductCreatedSchema, ProductPriceChangedSchema } from './gen/duka/catalog/v1/events_pb.js';
import {
  LoginFailedSchema,
  SessionsRevokedSchema,
  TenantCreatedSchema,
  UserLoggedInSchema,
} from './gen/duka/identity/v1/events_pb.js';
import { NotificationDeliveredSchema } from './gen/duka/notifications/v1/notifications_pb.js';
import {
  PaymentFailedSchema,
  PaymentIntentCreatedSchema,
  PaymentSucceededSchema,
} from './gen/duka/payments/v1/events_pb.js';

/** One event on the EVENTS stream: its `Duka-Event-Type`, body schema and `evt.<type>.<tenant>` subject. */
export interface EventDefinition<T extends string = string, S extends DescMessage = DescMessage> {
  /** `<service>.<aggregate>.<event>`; also the `Duka-Event-Type` header value. */
  readonly type: T;
  readonly schema: S;
  /** `evt.<type>.<tenant>`; throws `CONTRACTS_INVALID_SUBJECT_TOKEN` for a tenant id that is not one token. */
  readonly subject: (tenantId: string) => string;
  /** `evt.<type>.*`: consumer filter subject across tenants. */
  readonly filter: string;
}

function defineEvent<const T extends string, S extends DescMessage>(type: T, schema: S): EventDefinition<T, S> {
  const prefix = `evt.${type}.`;
  return Object.freeze({ type, schema, subject: (tenantId: string) => prefix + subjectToken(tenantId), filter: `${prefix}*` });
}

/** Every registered event. Adding one: proto message with `EventMeta meta = 1`, `pnpm gen`, then a line here. */
export const eventDefinitions = [
  defineEvent('identity.tenant.created', TenantCreatedSchema),
  defineEvent('identity.user.logged_in', UserLoggedInSchema),
  defineEvent('identity.login.failed', LoginFailedSchema),
  defineEvent('identity.sessions.revoked', SessionsRevokedSchema),
  defineEvent('catalog.product.created', ProductCreatedSchema),
  defineEvent('catalog.product.price_changed', ProductPriceChangedSchema),
  defineEvent('payments.payment.created', PaymentIntentCreatedSchema),
  defineEvent('payments.payment.succeeded', PaymentSucceededSchema),
  defineEvent('payments.payment.failed', PaymentFailedSchema),
  defineEvent('notifications.delivery.recorded', NotificationDeliveredSchema),
] as const;

type AnyDefinition = (typeof eventDefinitions)[number];
/** Union of every registered `Duka-Event-Type`. */
export type EventType = AnyDefinition['type'];
/** Registry entry for one event type. */
export type EventDefinitionOf<T extends EventType> = Extract<AnyDefinition, { type: T }>;
/** Generated message type of event `T`, e.g. `EventMessage<'payments.payment.succeeded'>` is `PaymentSucceeded`. */
export type EventMessage<T extends EventType> = MessageShape<EventDefinitionOf<T>['schema']>;
/** What {@link encodeEvent} accepts: the message itself or a plain init object for it. */
export type EventInit<T extends EventType> = MessageInitShape<EventDefinitionOf<T>['schema']>;
/** A decoded event of any type, discriminated by `type`. */
export type DecodedEvent = { [T in EventType]: { type: T; message: EventMessage<T> } }[EventType];

/** The registry keyed by event type. */
export const events: { readonly [T in EventType]: EventDefinitionOf<T> } = Object.freeze(
  Object.fromEntries(eventDefinitions.map((d) => [d.type, d])) as { [T in EventType]: EventDefinitionOf<T> },
);

/** Every registered event type, in registry order. */
export const eventTypes: readonly EventType[] = Object.freeze(eventDefinitions.map((d) => d.type));

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(events, value);
}

/** Registry entry for `type`; throws `CONTRACTS_UNKNOWN_EVENT_TYPE` for an unregistered type. */
export function eventDefinition<T extends EventType>(type: T): EventDefinitionOf<T>;
export function eventDefinition(type: string): EventDefinition;
export function eventDefinition(type: string): EventDefinition {
  if (!isEventType(type)) {
    throw new ContractError('CONTRACTS_UNKNOWN_EVENT_TYPE', `unknown event type: ${JSON.stringify(type)}`);
  }
  return events[type];
}

/** `evt.<type>.<tenant>` for a registered type. */
export function eventSubject(type: EventType, tenantId: string): string {
  return eventDefinition(type).subject(tenantId);
}

/**
 * Splits a logical `evt.<service>.<aggregate>.<event>.<tenant>` subject (no namespace prefix; `@duka/bus` strips
 * it). `undefined` when the subject is not an event subject or its type is not registered here.
 */
export function parseEventSubject(subject: string): { type: EventType; tenantId: string } | undefined {
  const tokens = subject.split('.');
  if (tokens.length !== 5 || tokens[0] !== 'evt') return undefined;
  const type = tokens.slice(1, 4).join('.');
  const tenantId = tokens[4];
  if (!isEventType(type) || !tenantId || tokens.some((t) => t.length === 0)) return undefined;
  return { type, tenantId };
}

/** Event type carried by an `evt.…` subject, or `undefined` (see {@link parseEventSubject}). */
export function eventTypeFromSubject(subject: string): EventType | undefined {
  return parseEventSubject(subject)?.type;
}

/**
 * Serialises an event body. Rejects unregistered types and bodies without `meta.eventId` and `meta.tenantId`:
 * the outbox relay, dedupe and audit all depend on them.
 */
export function encodeEvent<T extends EventType>(type: T, message: EventInit<T>): Uint8Array {
  const { schema } = eventDefinition(type as string);
  const built = create(schema, message as MessageInitShape<DescMessage>);
  const meta = (built as { meta?: EventMeta }).meta;
  if (!meta?.eventId || !meta.tenantId) {
    throw new ContractError('CONTRACTS_EVENT_META_MISSING', `${type} needs meta.eventId and meta.tenantId`);
  }
  return toBinary(schema, built);
}

/**
 * Parses an event body as `type`. A literal type gives its generated message type; a string from the
 * `Duka-Event-Type` header gives the union (prefer {@link decodeAnyEvent} for a discriminated result).
 * Throws `CONTRACTS_UNKNOWN_EVENT_TYPE` or `CONTRACTS_DECODE_FAILED`.
 */
export function decodeEvent<T extends EventType>(type: T, bytes: Uint8Array): EventMessage<T>;
export function decodeEvent(type: string, bytes: Uint8Array): EventMessage<EventType>;
export function decodeEvent(type: string, bytes: Uint8Array): EventMessage<EventType> {
  return decodeMessage(eventDefinition(type).schema, bytes) as EventMessage<EventType>;
}

/** {@link decodeEvent} for a runtime type string, returning `{ type, message }` to switch on. */
export function decodeAnyEvent(type: string, bytes: Uint8Array): DecodedEvent {
  const message = decodeEvent(type, bytes);
  return { type, message } as DecodedEvent;
}

/**
 * Canonical proto3 JSON of an event body, for the audit log. Fields at their default value are included
 * (`alwaysEmitImplicit`) so every row of one type has the same keys; int64 values are JSON strings.
 */
export function eventToJson(type: string, bytes: Uint8Array, options?: Partial<JsonWriteOptions>): JsonValue {
  const { schema } = eventDefinition(type);
  return toJson(schema, decodeMessage(schema, bytes), { alwaysEmitImplicit: true, ...options });
}
