/**
 * What the gateway's routes need: the gRPC clients of the services, a logger and limits. Tests pass
 * clients connected to real (or in-test) gRPC servers; `start()` builds them from config. Routes do not
 * use the clients themselves: they call the service facades (`web/gateway/`, `gatewayFor(c, deps)`).
 *
 * Every client carries the service credential (see `connect`). Staff identity travels per request: the
 * admin guard puts the signed-in staff member (their account's name and role, from the shared staff
 * store) in the context variable `staff`, and the facades then add a claim signed for them
 * (`x-oms-staff`) to each call made for that request.
 *
 * @module
 */
import type { Context } from "hono";
import type { StaffClaims, StaffIdentity } from "../../services/common/auth/staff_claim.ts";
import type { CallOpts } from "../../services/common/grpc_client.ts";
import type { Logger } from "../../services/common/log.ts";
import type { AdminRuntime } from "../admin/runtime.ts";
import type { CustomerAuth } from "../customer_auth.ts";
import type { ShopConfig } from "../shop.ts";
import type { PhotoStore } from "../media/store.ts";
import { callOptions } from "../gateway/call_options.ts";
import type { Clients, PeerName } from "../gateway/clients.ts";

export type { Clients, PeerName };

/**
 * The identity of the first owner under the default `ADMIN_USER` (`admin`), for tools and tests that
 * act as staff without signing in. Signed-in staff travel as themselves: the admin guard sets the
 * request's `staff` from their session (name and role), never this.
 */
export const ADMIN_STAFF: StaffIdentity = { sub: "admin", role: "owner" };

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
  /** The admin's web side (first owner, device and flash cookies); absent: admin disabled. */
  admin?: AdminRuntime;
  /** How customers prove who they are; absent: this process's, from its environment. */
  customerAuth?: CustomerAuth;
  /** Signs the staff claims of staff requests (keyed from the service token). */
  staffClaims: StaffClaims;
  /** The shop's settings; absent: this process's, from its environment (`web/shop.ts`). */
  shop?: ShopConfig;
  /** Where menu photos are stored (`web/media/store.ts`); absent: photo uploads answer 503. */
  media?: PhotoStore;
  /** The failure flags file the admin writes; absent: this process's (`flagsFilePath`, from its environment). */
  flagsFile?: string;
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
 * Call options for a gRPC call made while handling `c` (the gateway's `callOptions` for this request):
 * what `gatewayFor` gives the facades of a request.
 */
export function callOpts(c: Context<AppEnv>, deps: AppDeps): CallOpts {
  return callOptions({ traceparent: c.get("traceparent"), staff: c.get("staff") }, deps);
}
