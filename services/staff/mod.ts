/**
 * The staff module: accounts with roles, sessions and the login throttle, in one store every web
 * replica shares. It is not a process of its own: orders hosts it on its gRPC server and in its KV
 * (keys under `["staff", ...]`), see {@linkcode staffService}.
 *
 * @module
 */
export { type LoginResult, type SessionView, StaffApp, type StaffAppOptions } from "./app.ts";
export { staffService } from "./service.ts";
