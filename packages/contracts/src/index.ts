/**
 * @duka/contracts: protobuf schemas generated from `proto/` (see proto/README.md) and the typed registry of
 * the subjects and event types that carry them (DESIGN §5).
 */
export * from './gen/duka/common/v1/meta_pb.js';
export * from './gen/duka/identity/v1/events_pb.js';
export * from './gen/duka/catalog/v1/events_pb.js';
export * from './gen/duka/catalog/v1/quote_pb.js';
export * from './gen/duka/payments/v1/events_pb.js';
export * from './gen/duka/mpesa/v1/callback_pb.js';
export * from './gen/duka/notifications/v1/notifications_pb.js';

export { ContractError } from './errors.js';
export type { ContractErrorCode } from './errors.js';
export { encodeMessage, decodeMessage } from './codec.js';
export {
  CATALOG_QUOTE_SUBJECT,
  MPESA_KINDS,
  catalogQuote,
  isMpesaKind,
  mpesaCallback,
  mpesaSubject,
  notificationSend,
  notificationSendSubject,
  parseMpesaSubject,
  subjectToken,
} from './subjects.js';
export type { MpesaKind } from './subjects.js';
export {
  decodeAnyEvent,
  decodeEvent,
  encodeEvent,
  eventDefinition,
  eventDefinitions,
  eventSubject,
  eventToJson,
  eventTypeFromSubject,
  eventTypes,
  events,
  isEventType,
  parseEventSubject,
} from './events.js';
export type {
  DecodedEvent,
  EventDefinition,
  EventDefinitionOf,
  EventInit,
  EventMessage,
  EventType,
} from './events.js';
