/**
 * Mounting the staff module in a host process (orders): its use cases over the host's KV and its gRPC
 * service for the host's server. Why orders hosts it rather than a fifth process: a process costs about
 * 120 MB of memory for a table of a dozen rows, and two processes cannot share one KV file (SQLite
 * answers "database is locked"), so staff lives in the store of a process that already runs.
 *
 * @module
 */
import type { StaffClaims } from "../common/auth/staff_claim.ts";
import { StaffServiceService } from "../common/gen/oms/staff/v1/staff.ts";
import type { ServedService } from "../common/grpc_server.ts";
import { StaffApp, type StaffAppOptions } from "./app.ts";
import { staffServer } from "./grpc_handlers.ts";

/** The staff service for the host's gRPC server, and its use cases. */
export function staffService(
  options: StaffAppOptions & { staffClaims: StaffClaims },
): { app: StaffApp; service: ServedService } {
  const app = new StaffApp(options);
  return {
    app,
    service: {
      definition: StaffServiceService,
      name: "oms.staff.v1.StaffService",
      implementation: staffServer({ app, staffClaims: options.staffClaims, log: options.log }),
    },
  };
}
