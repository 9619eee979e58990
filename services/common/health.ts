/**
 * The standard `grpc.health.v1` health service. Starts NOT_SERVING; the service flips it to SERVING
 * once it is ready and back to NOT_SERVING while draining.
 *
 * @module
 */
import {
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  status as GrpcStatus,
} from "@grpc/grpc-js";
import {
  type HealthCheckRequest,
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthServer,
} from "./gen/grpc/health/v1/health.ts";

export { ServingStatus };

/** Health state of one process: the overall status ("" service) and named services. */
export class HealthState {
  #status = new Map<string, ServingStatus>();
  #watchers = new Set<{ service: string; call: ServerWritableStream<HealthCheckRequest, unknown> }>();

  /** Registers `services` (plus the overall "") as NOT_SERVING. */
  constructor(services: string[]) {
    for (const s of ["", ...services]) this.#status.set(s, ServingStatus.NOT_SERVING);
  }

  /** Sets every registered service to `status`. */
  setAll(status: ServingStatus): void {
    const changed = new Set<string>();
    for (const [s, was] of this.#status) {
      if (was !== status) changed.add(s);
      this.#status.set(s, status);
    }
    // Watch streams get a message only when their service's status changes (grpc.health.v1)
    for (const w of this.#watchers) if (changed.has(w.service)) w.call.write({ status });
  }

  /** The status of `service`, or SERVICE_UNKNOWN. */
  get(service: string): ServingStatus {
    return this.#status.get(service) ?? ServingStatus.SERVICE_UNKNOWN;
  }

  /** The grpc-js implementation of `grpc.health.v1.Health`. */
  server(): HealthServer {
    return {
      check: (
        call: ServerUnaryCall<HealthCheckRequest, unknown>,
        cb: sendUnaryData<{ status: ServingStatus }>,
      ) => {
        const status = this.#status.get(call.request.service);
        if (status === undefined) {
          cb({ code: GrpcStatus.NOT_FOUND, details: `Unknown service "${call.request.service}"` });
          return;
        }
        cb(null, { status });
      },
      watch: (call: ServerWritableStream<HealthCheckRequest, unknown>) => {
        const w = { service: call.request.service, call };
        this.#watchers.add(w);
        call.write({ status: this.get(w.service) });
        call.on("cancelled", () => this.#watchers.delete(w));
      },
    } as HealthServer;
  }

  /** Ends every watch stream (on shutdown). */
  close(): void {
    for (const w of this.#watchers) w.call.end();
    this.#watchers.clear();
  }
}
