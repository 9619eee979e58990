/**
 * The hidden CSRF field every admin POST form carries.
 *
 * @module
 */
import { CSRF_FIELD } from "../../admin/state.ts";

/** `<input type="hidden" name="_csrf" value=...>`. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}
