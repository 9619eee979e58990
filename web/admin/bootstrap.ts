/**
 * Making the first owner: at start web asks the staff store to create `ADMIN_USER` with
 * `ADMIN_PASSWORD` as an owner when no active owner exists (an existing account is never changed, so a
 * restart with another password changes nothing). Orders may not be up yet, so web keeps trying in the
 * background; the login page asks once more itself before the first login.
 *
 * @module
 */
import type { Logger } from "../../services/common/log.ts";
import { formatTraceparent, newTraceparent } from "../../services/common/trace.ts";
import { withSpan } from "../../services/common/tracing/spans.ts";
import { ApiError } from "../api/errors.ts";
import type { StaffGateway } from "../gateway/staff.ts";
import type { AdminRuntime } from "./runtime.ts";

/**
 * Asks the staff store once to make the first owner (or, without a password, whether an owner exists);
 * records the answer in `admin.ownerExists`. Returns false when the store could not be asked.
 */
export async function ensureFirstOwner(
  admin: AdminRuntime,
  staff: StaffGateway,
  log: Logger,
): Promise<boolean> {
  try {
    const r = await staff.ensureOwner(admin.user, admin.password ?? "");
    admin.ownerExists = r.ownerExists;
    if (r.created) log.info("first owner created", { name: admin.user });
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) {
      // e.g. a password under 12 characters: retrying cannot help; the login page says the admin is disabled
      log.error("the first owner could not be made", { name: admin.user, err: err.message });
      admin.ownerExists ??= false;
      return true;
    }
    log.warn("could not make sure the first owner exists (retrying)", {
      err: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}

/**
 * Calls {@linkcode ensureFirstOwner} until it succeeds or `signal` aborts (0.5 s doubling to 10 s apart).
 * Each attempt is a trace of its own (a root span "ensure first owner"); `staff` gives the facade whose
 * calls carry that span's `traceparent`, so the call's spans hang off a span that is exported.
 */
export async function keepEnsuringFirstOwner(
  admin: AdminRuntime,
  staff: (traceparent: string) => StaffGateway,
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  let delay = 500;
  while (!signal.aborted) {
    const done = await withSpan(
      "ensure first owner",
      { root: true },
      (span) =>
        ensureFirstOwner(admin, staff(formatTraceparent(span.spanContext()) ?? newTraceparent()), log),
    );
    if (done) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, delay);
      signal.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
    delay = Math.min(delay * 2, 10_000);
  }
}
