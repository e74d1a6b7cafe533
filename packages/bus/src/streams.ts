import { RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';

/** The streams of DESIGN §5, by logical name. Subjects are logical; the bus adds the namespace. */
export const streamDefs = {
  MPESA: { subjects: ['mpesa.>'], retention: RetentionPolicy.Limits, maxAgeHours: 24 * 30 },
  EVENTS: { subjects: ['evt.>'], retention: RetentionPolicy.Limits, maxAgeHours: 24 * 30 },
  CMD: { subjects: ['cmd.>'], retention: RetentionPolicy.Workqueue, maxAgeHours: 24 * 7 },
  DLQ: { subjects: ['dlq.>'], retention: RetentionPolicy.Limits, maxAgeHours: 24 * 30 },
} as const;

export type StreamName = keyof typeof streamDefs;

const hourNanos = 3_600_000_000_000;

export function streamConfig(
  name: string,
  subjects: string[],
  def: (typeof streamDefs)[StreamName],
): Partial<StreamConfig> & { name: string } {
  return {
    name,
    subjects,
    retention: def.retention,
    storage: StorageType.File,
    max_age: def.maxAgeHours * hourNanos,
    // Nats-Msg-Id dedupe window: a relay retry or a Safaricom duplicate inside it is dropped by the server.
    duplicate_window: 2 * 60 * 1_000_000_000,
    num_replicas: 1,
  };
}
