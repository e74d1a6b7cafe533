/**
 * OpenTelemetry for Duka services: traces with the HTTP, pg, ioredis and Fastify instrumentations, exported by
 * OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (DESIGN §8). Without it, spans are still made (ids reach
 * logs and NATS headers) but nothing is exported. Start it first in main.ts, before other imports do work.
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode } from '@opentelemetry/core';

/** Accepts finished spans and drops them: tracing without a collector. */
const discardSpans: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
};

export interface Telemetry {
  shutdown(): Promise<void>;
}

let started: Telemetry | undefined;

/** Starts the SDK once per process (register.ts may already have started it, before any module loaded). */
export function startTelemetry(service: string, env: Record<string, string | undefined> = process.env): Telemetry {
  if (started) return started;
  if (env.OTEL_SDK_DISABLED === 'true') return (started = { shutdown: async () => {} });
  const exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  // Without an endpoint the SDK would fall back to a default OTLP exporter and wait for a collector that is not
  // there (slow shutdowns). Spans are still created, so ids reach logs and NATS headers.
  if (!exporting) {
    for (const signal of ['OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER']) process.env[signal] ??= 'none';
  }
  const sdk = new NodeSDK({
    serviceName: service,
    traceExporter: exporting ? new OTLPTraceExporter() : discardSpans,
    instrumentations: [
      getNodeAutoInstrumentations({
        // Only what Duka's traces need; the file system and DNS spans are noise.
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        // Keep trace ids in log lines, but do not copy every line into the OTel logs pipeline: logs go to files.
        '@opentelemetry/instrumentation-pino': { disableLogSending: true },
      }),
    ],
  });
  sdk.start();
  return (started = { shutdown: () => sdk.shutdown() });
}
