/**
 * An instant for people and machines alike: `<time datetime="2026-11-30T17:30:00.000Z">` (the exact
 * instant, as the JSON API sends it) around the date and time in the shop's zone and locale
 * (`1 Dec 2026, 02:30` in Tokyo). No dependencies beyond `lib/when.ts`, so islands use it too.
 *
 * @module
 */
import { dateTimeIn, timeIn, type Zone } from "../lib/when.ts";

/** Props of {@linkcode LocalTime}. */
export interface LocalTimeProps {
  /** The instant, ISO 8601; null or unreadable shows `empty`. */
  at: string | null | undefined;
  /** The shop's time zone and locale (a `ShopConfig` will do). */
  zone: Zone;
  /** `"time"` for the time of day only; the date and time by default. */
  show?: "dateTime" | "time";
  /** What to show without a time. */
  empty?: string;
}

/** The instant as a `<time>` element in `zone`. */
export function LocalTime({ at, zone, show = "dateTime", empty = "—" }: LocalTimeProps) {
  const text = show === "time" ? timeIn(at, zone) : dateTimeIn(at, zone);
  if (!at || !text) return <>{empty}</>;
  return <time dateTime={at}>{text}</time>;
}
