/**
 * Whether this process records spans: true only while `setupTracing` has an OpenTelemetry SDK registered
 * (an OTLP endpoint is set). Hot paths read it to skip span and context work that the no-op API would
 * throw away anyway; `traceparent` strings travel across gRPC and messages either way.
 *
 * @module
 */

let enabled = false;

/** True while a tracer provider is registered by `setupTracing` (spans are recorded and exported). */
export function tracingEnabled(): boolean {
  return enabled;
}

/** Sets {@linkcode tracingEnabled}; called only by the tracing SDK's start and shutdown (`sdk.ts`). */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}
