/**
 * Recognising the one runtime crash `deno task test` reruns the suite for: Deno 2.9.6 aborting inside
 * nghttp2 when an HTTP/2 session that carried calls receives a GOAWAY (denoland/deno#36788). Test
 * failures are never recognised as this.
 *
 * @module
 */

/** The assertion nghttp2 prints when it aborts the process. */
export const NGHTTP2_ABORT: RegExp = /nghttp2_session\.c.*Assertion/;

/** True when the process died by SIGABRT/SIGSEGV (or their shell exit codes) after printing the assertion. */
export function isRuntimeAbort(
  output: string,
  status: { code: number; signal: Deno.Signal | null },
): boolean {
  return isRuntimeCrash(status) && NGHTTP2_ABORT.test(output);
}

/**
 * True when the `deno test` process itself died by SIGABRT or SIGSEGV (exit codes 134/139): the runtime
 * crashed. A test that fails makes `deno test` exit 1, never by a signal, so this is never a test
 * failure. Seen with Deno 2.9.6 both as the nghttp2 assertion above and as a bare segmentation fault
 * in the gRPC tests.
 */
export function isRuntimeCrash(status: { code: number; signal: Deno.Signal | null }): boolean {
  return status.signal === "SIGABRT" || status.signal === "SIGSEGV" || status.code === 134 ||
    status.code === 139;
}
