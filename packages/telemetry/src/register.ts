/**
 * Preload for ESM services: `tsx --import @duka/telemetry/register src/main.ts`. ESM modules can only be
 * instrumented when the loader hook is registered before they load (TOOLCHAIN.md), so this runs before main.ts.
 * The service name comes from OTEL_SERVICE_NAME.
 */
import { register } from 'node:module';
import { startTelemetry } from './index.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
startTelemetry(process.env.OTEL_SERVICE_NAME ?? 'duka');
