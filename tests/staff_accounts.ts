/**
 * Staff accounts for tests of the whole system (test code only): the first owner of `tests/system.ts`
 * signs in over HTTP and adds an account on the staff page, as an owner would. Browser tests then sign
 * the new member in with `staffLogIn(tab, next, who)` (`tests/browser/staff_login.ts`).
 *
 * @module
 */
import type { StaffRole } from "../services/common/auth/staff_claim.ts";

/** The first owner `tests/system.ts` makes (`ADMIN_USER` / `ADMIN_PASSWORD`). */
export const SYSTEM_OWNER = { name: "admin", password: "test-admin-password" } as const;

/** An account made by {@linkcode addStaff}. */
export interface TestStaff {
  name: string;
  role: StaffRole;
  password: string;
}

function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const set of res.headers.getSetCookie()) {
    const [pair = ""] = set.split(";");
    const at = pair.indexOf("=");
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
}

/**
 * Adds `name` with `role` (password `<name>-test-password` unless given) through web at `baseUrl`, signed
 * in as the system's first owner; returns the account.
 */
export async function addStaff(
  baseUrl: string,
  name: string,
  role: StaffRole,
  password = `${name}-test-password`,
): Promise<TestStaff> {
  const jar = new Map<string, string>();
  const send = async (path: string, fields?: Record<string, string>) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: fields ? "POST" : "GET",
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(fields ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: fields ? new URLSearchParams(fields).toString() : undefined,
      redirect: "manual",
    });
    cookiesOf(res, jar);
    return res;
  };
  const login = await send("/admin/login", { ...SYSTEM_OWNER });
  await login.body?.cancel();
  if (login.status !== 303) throw new Error(`The first owner could not sign in: ${login.status}`);
  const page = await (await send("/admin/staff")).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error("No CSRF token on /admin/staff");
  const res = await send("/admin/staff", { _csrf: csrf, action: "create", name, role, password });
  if (res.status !== 303) throw new Error(`Adding ${name} failed: ${res.status} ${await res.text()}`);
  await res.body?.cancel();
  return { name, role, password };
}
