import { context, propagation, trace, SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';
import type { MsgHdrs } from '@nats-io/transport-node';

const tracer = trace.getTracer('@duka/bus');

/** Puts the active trace context (`traceparent`) into NATS headers. */
export function injectTrace(h: MsgHdrs): void {
  propagation.inject(context.active(), h, { set: (carrier, key, value) => carrier.set(key, value) });
}

/** Runs `fn` in a consumer span whose parent is the producer's context from the headers. */
export async function withConsumerSpan<T>(subject: string, h: MsgHdrs | undefined, fn: () => Promise<T>): Promise<T> {
  const parent: Context = h
    ? propagation.extract(context.active(), h, {
        get: (carrier, key) => carrier.get(key) || undefined,
        keys: (carrier) => carrier.keys(),
      })
    : context.active();
  return tracer.startActiveSpan(`consume ${subject.split('.').slice(0, 3).join('.')}`, { kind: SpanKind.CONSUMER }, parent, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name });
      throw err;
    } finally {
      span.end();
    }
  });
}
