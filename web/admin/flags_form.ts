/**
 * Reading the forms of the failure flags page (`routes/admin/system/flags.tsx`): one flag and its new
 * value (a rate from 0 to 1, whole milliseconds, on/off), or every flag off. Checked here against the
 * flag's kind; `writeFlags` checks again before it writes.
 *
 * @module
 */
import { allOff, FLAG_KEYS, type FlagValue, MAX_FLAG_MS } from "../../services/common/flags/flag_file.ts";
import { type FlagKey, FLAGS } from "../../services/common/flags/keys.ts";

/** One action of the flags page. */
export type FlagsAction =
  | { kind: "set"; flag: FlagKey; value: FlagValue }
  | { kind: "all-off"; values: Record<FlagKey, FlagValue> };

/** The action `form` asks for, or the message saying what is wrong with it. */
export function parseFlagsAction(form: URLSearchParams): FlagsAction | string {
  const action = form.get("action") ?? "";
  if (action === "all-off") return { kind: "all-off", values: allOff() };
  if (action !== "set") return `Unknown action "${action.slice(0, 32)}".`;
  const flagText = form.get("flag") ?? "";
  if (!(FLAG_KEYS as readonly string[]).includes(flagText)) return `Unknown flag "${flagText.slice(0, 64)}".`;
  const flag = flagText as FlagKey;
  const raw = (form.get("value") ?? "").trim();
  switch (FLAGS[flag].kind) {
    case "boolean":
      if (raw !== "on" && raw !== "off") return `Choose on or off for ${flag}.`;
      return { kind: "set", flag, value: raw === "on" };
    case "rate": {
      const n = raw === "" ? NaN : Number(raw);
      if (!Number.isFinite(n) || n < 0 || n > 1) {
        return `${flag} is a share from 0 to 1 (e.g. 0.25), got "${raw.slice(0, 32)}".`;
      }
      return { kind: "set", flag, value: n };
    }
    case "ms": {
      const n = raw === "" ? NaN : Number(raw);
      if (!Number.isInteger(n) || n < 0 || n > MAX_FLAG_MS) {
        return `${flag} is whole milliseconds from 0 to ${MAX_FLAG_MS}, got "${raw.slice(0, 32)}".`;
      }
      return { kind: "set", flag, value: n };
    }
  }
}

/** A flag's value for people: "25%", "300 ms", "on"/"off". */
export function showValue(flag: FlagKey, value: FlagValue): string {
  if (typeof value === "boolean") return value ? "on" : "off";
  if (FLAGS[flag].kind === "rate") return value === 0 ? "off" : `${+(value * 100).toFixed(2)}%`;
  return value === 0 ? "off" : `${value} ms`;
}

/** What the page tells after `a` was written. */
export function doneText(a: FlagsAction): string {
  return a.kind === "all-off"
    ? "Every failure flag is off."
    : `${a.flag} is now ${showValue(a.flag, a.value)}.`;
}
