/**
 * Times for people in the shop's time zone and locale, for islands (which cannot import `web/shop.ts`
 * and its configuration code): the same formats as `shop.ts`'s `formatTime` and `formatDateTime`
 * (`when_test.ts` proves they agree), from ISO 8601 strings as the JSON API sends them. No
 * dependencies.
 *
 * @module
 */

/** Where and how times are shown: the shop's IANA time zone and BCP 47 locale. */
export interface Zone {
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** BCP 47 locale, e.g. `en-GB`. */
  locale: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: Zone, withDate: boolean): Intl.DateTimeFormat {
  const key = `${zone.locale} ${zone.timeZone} ${withDate}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      zone.locale,
      withDate
        ? {
          timeZone: zone.timeZone,
          day: "numeric",
          month: "short",
          year: "numeric",
          hour: "2-digit",
          minute: "2-digit",
        }
        : { timeZone: zone.timeZone, hour: "2-digit", minute: "2-digit" },
    );
    formats.set(key, f);
  }
  return f;
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The time of day of `iso` in `zone`, e.g. `18:30` ("" for none). */
export function timeIn(iso: string | null | undefined, zone: Zone): string {
  const d = parse(iso);
  return d ? format(zone, false).format(d) : "";
}

/** The date and time of `iso` in `zone`, e.g. `30 Nov 2026, 18:30` ("" for none). */
export function dateTimeIn(iso: string | null | undefined, zone: Zone): string {
  const d = parse(iso);
  return d ? format(zone, true).format(d) : "";
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** The time of day of `iso` in `zone` to the second, e.g. `18:30:05` ("" for none): for "checked at" notes. */
export function clockIn(iso: string | null | undefined, zone: Zone): string {
  const d = parse(iso);
  if (!d) return "";
  const key = `${zone.locale} ${zone.timeZone}`;
  let f = clocks.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(zone.locale, {
      timeZone: zone.timeZone,
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    clocks.set(key, f);
  }
  return f.format(d);
}

const days = new Map<string, Intl.DateTimeFormat>();

function dayOf(d: Date, timeZone: string): string {
  let f = days.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    days.set(timeZone, f);
  }
  return f.format(d);
}

/**
 * A pickup time as the kitchen reads it: "As soon as possible" (no time), the time of day when it is
 * on `now`'s day in `zone` (`18:30`), else with the date (`1 Dec 2026, 18:30`).
 */
export function pickupIn(iso: string | null | undefined, zone: Zone, now: Date = new Date()): string {
  const d = parse(iso);
  if (!d) return "As soon as possible";
  return dayOf(d, zone.timeZone) === dayOf(now, zone.timeZone) ? timeIn(iso, zone) : dateTimeIn(iso, zone);
}
