/**
 * Whether an answer's headers can still be changed. Those of `Response.redirect`, `Response.error` and
 * of a fetched answer cannot (setting one throws); such an answer must be copied to get a header, and
 * a copy reads a body held in memory back as a stream, so every other answer is changed in place.
 *
 * @module
 */

/** True when `res.headers` can be changed (probed with a header added and removed at once). */
export function hasMutableHeaders(res: Response): boolean {
  try {
    res.headers.append("x-oms-mutable", "");
    res.headers.delete("x-oms-mutable");
    return true;
  } catch {
    return false;
  }
}
