/**
 * The options of every call web makes for a request, built in one place: the request's trace context
 * as metadata, the deadline, and for a staff request a freshly signed staff claim (`x-oms-staff`), so
 * the services know which staff member acts. The service credential is added by the client itself
 * (see `connect`).
 *
 * @module
 */
import type { StaffClaims, StaffIdentity } from "../../services/common/auth/staff_claim.ts";
import type { CallOpts } from "../../services/common/grpc_client.ts";
import { traceMetadata } from "../../services/common/trace.ts";

/** Who a call is made for. */
export interface CallScope {
  /** The W3C traceparent of the request. */
  traceparent: string;
  /** The logged-in staff member (absent: a customer's or anonymous request). */
  staff?: StaffIdentity;
}

/** What the options are made with. */
export interface CallSettings {
  /** Deadline of each call in milliseconds. */
  rpcTimeoutMs: number;
  /** Signs staff claims. */
  staffClaims: StaffClaims;
}

/** The options of one call made for `scope`. */
export function callOptions(scope: CallScope, settings: CallSettings): CallOpts {
  const metadata = traceMetadata(scope.traceparent);
  if (scope.staff) settings.staffClaims.attach(metadata, scope.staff);
  return { metadata, timeoutMs: settings.rpcTimeoutMs };
}
