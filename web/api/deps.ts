/**
 * What the gateway's routes need: the gRPC clients of the services, a logger and limits. Tests pass
 * clients connected to real (or in-test) gRPC servers; `start()` builds them from config.
 *
 * Every client carries the service credential (see `connect`). Staff identity travels per request: the
 * admin guard puts the logged-in staff member in the context variable `staff`, and {@linkcode callOpts}
 * then adds a claim signed for them (`x-oms-staff`) to each call made for that request.
 *
 * @module
 */
import type { Context } from "hono";
import type { StaffClaims, StaffIdentity } from "../../services/common/auth/staff_claim.ts";
import type { CallOpts } from "../../services/common/grpc_client.ts";
import type { Logger } from "../../services/common/log.ts";
import { traceMetadata } from "../../services/common/trace.ts";
import type { KitchenServiceClient } from "../../services/common/gen/oms/kitchen/v1/kitchen.ts";
import type { OrdersServiceClient } from "../../services/common/gen/oms/orders/v1/orders.ts";
import type { PaymentsServiceClient } from "../../services/common/gen/oms/payments/v1/payments.ts";
import type { StockServiceClient } from "../../services/common/gen/oms/stock/v1/stock.ts";
import type { AdminRuntime } from "../admin/runtime.ts";
import type { CustomerAuth } from "../customer_auth.ts";
import { toApiError } from "./errors.ts";

/** gRPC clients of the services behind the gateway. */
export interface Clients {
  /** Orders service. */
  orders: OrdersServiceClient;
  /** Stock service (catalog). */
  stock: StockServiceClient;
  /** Payments service. */
  payments: PaymentsServiceClient;
  /** Kitchen service (used by the admin pages). */
  kitchen: KitchenServiceClient;
}

/** The staff identity of the admin's one account (the password login) in the claims web signs. */
export const ADMIN_STAFF: StaffIdentity = { sub: "admin", role: "owner" };

/** The names the gateway uses for its peers in messages. */
export type PeerName = "orders" | "stock" | "payments" | "kitchen";

/** Dependencies of {@linkcode createApp}. */
export interface AppDeps {
  /** The service clients. */
  clients: Clients;
  /** Where request and error logs go. */
  log: Logger;
  /** Largest JSON request body in bytes. */
  maxBodyBytes: number;
  /** Largest webhook body in bytes (provider events can be larger than API bodies). */
  webhookMaxBodyBytes: number;
  /** Deadline of each gRPC call in milliseconds. */
  rpcTimeoutMs: number;
  /** The admin (password, sessions, login slowdown); absent or without password: admin disabled. */
  admin?: AdminRuntime;
  /** How customers prove who they are; absent: this process's, from its environment. */
  customerAuth?: CustomerAuth;
  /** Signs the staff claims of staff requests (keyed from the service token). */
  staffClaims: StaffClaims;
}

/** Hono environment of the gateway: the request's trace context travels as a context variable. */
export type AppEnv = {
  Variables: {
    /** The W3C traceparent of this request (incoming if valid, else new). */
    traceparent: string;
    /** The logged-in staff member, set by the admin guard (unset: a customer's or anonymous request). */
    staff?: StaffIdentity;
  };
};

/**
 * Call options for a gRPC call made while handling `c`: trace metadata and deadline, and for a staff
 * request a freshly signed staff claim.
 */
export function callOpts(c: Context<AppEnv>, deps: AppDeps): CallOpts {
  const metadata = traceMetadata(c.get("traceparent"));
  const staff = c.get("staff");
  if (staff) deps.staffClaims.attach(metadata, staff);
  return { metadata, timeoutMs: deps.rpcTimeoutMs };
}

/** Awaits a call to `peer`, turning its failure into the client-facing {@linkcode ApiError}. */
export async function upstream<T>(peer: PeerName, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw toApiError(err, peer);
  }
}
