/**
 * NATS JetStream for Duka services: streams and durable consumers of DESIGN §5, publishing with `Nats-Msg-Id`,
 * explicit acks with bounded redelivery and a DLQ, KV buckets, and the outbox relay.
 */
export { Bus, H, PermanentFailure, destroyNamespace, type BusMessage, type BusOptions, type ConsumeOptions, type PublishMeta } from './bus.js';
export { OutboxRelay, type RelayOptions } from './relay.js';
export { streamDefs, type StreamName } from './streams.js';
