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
  const crashed = status.signal === "SIGABRT" || status.signal === "SIGSEGV" || status.code === 134 ||
    status.code === 139;
  return crashed && NGHTTP2_ABORT.test(output);
}
