/**
 * The shop as customers meet it: its name, address, opening hours, time zone and locale, and the
 * pickup times it can offer, and how old a kitchen ticket may get before its timer warns. Read from
 * the environment once per process; pages get it as `ctx.state.shop`.
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | `SHOP_NAME` | `OMS Pizzeria` | the shop's name in the header, footer and titles |
 * | `SHOP_ADDRESS` | `Via Roma 1, 10115 Berlin` | street address shown in the footer |
 * | `SHOP_PHONE` | unset | phone number shown in the footer |
 * | `SHOP_HOURS` | `Mo-Su 11:00-23:00` | opening hours: `;`-separated `<days> <HH:MM>-<HH:MM>`, days as `Mo`, `Mo-Fr` or `Mo,We` |
 * | `SHOP_TIME_ZONE` | `Europe/Berlin` | IANA time zone of the shop; every time people read is shown in it |
 * | `SHOP_LOCALE` | `en-GB` | BCP 47 locale for prices, dates and times |
 * | `SHOP_PREP_MINUTES` | `15` | current preparation estimate: the earliest pickup slot is at least this far away (staff's busy mode adds to it, see {@linkcode withBusyMinutes}) |
 * | `KITCHEN_WARN_MINUTES` | `10` | minutes after payment at which a kitchen ticket's timer turns "warn" (1–1440) |
 * | `KITCHEN_LATE_MINUTES` | `20` | minutes after payment at which it turns "late"; must be above the warn threshold (2–1440) |
 *
 * @module
 */
import { ConfigError, envInt, envString } from "../services/common/config.ts";

/** Day names as `SHOP_HOURS` writes them, Monday first (index 0 = Monday). */
export const DAY_NAMES = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"] as const;

/** Minutes between two pickup slots. */
export const SLOT_MINUTES = 15;

/** Opening hours of one day of the week: minutes after local midnight, `open < close <= 1440`. */
export interface OpeningSpan {
  /** 0 = Monday ... 6 = Sunday. */
  day: number;
  /** Opens at, minutes after midnight. */
  open: number;
  /** Closes at, minutes after midnight (1440 = midnight at the end of the day). */
  close: number;
}

/** Validated shop settings. */
export interface ShopConfig {
  /** Display name. */
  name: string;
  /** Street address. */
  address: string;
  /** Phone number, "" for none. */
  phone: string;
  /** Opening spans, in `SHOP_HOURS` order. */
  hours: OpeningSpan[];
  /** IANA time zone. */
  timeZone: string;
  /** BCP 47 locale. */
  locale: string;
  /** Preparation estimate in minutes. */
  prepMinutes: number;
  /** Minutes after payment at which a kitchen ticket is "warn". */
  kitchenWarnMinutes: number;
  /** Minutes after payment at which a kitchen ticket is "late" (above the warn threshold). */
  kitchenLateMinutes: number;
}

/** Opening hours when `SHOP_HOURS` is unset. */
export const DEFAULT_HOURS = "Mo-Su 11:00-23:00";

/** The demo shop's settings (what `deno task dev` shows). */
export const DEFAULT_SHOP: ShopConfig = {
  name: "OMS Pizzeria",
  address: "Via Roma 1, 10115 Berlin",
  phone: "",
  hours: parseHours(DEFAULT_HOURS),
  timeZone: "Europe/Berlin",
  locale: "en-GB",
  prepMinutes: 15,
  kitchenWarnMinutes: 10,
  kitchenLateMinutes: 20,
};

function parseClock(s: string, field: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  if (!m || min > 59 || h > 24 || (h === 24 && min !== 0)) {
    throw new ConfigError(field, `${field}: "${s}" is not a time of day like 09:30`);
  }
  return h * 60 + min;
}

function parseDay(s: string, field: string): number {
  const i = DAY_NAMES.indexOf(s as typeof DAY_NAMES[number]);
  if (i < 0) throw new ConfigError(field, `${field}: "${s}" is not a day (${DAY_NAMES.join(", ")})`);
  return i;
}

function parseDays(s: string, field: string): number[] {
  const days = new Set<number>();
  for (const part of s.split(",")) {
    const [from, to] = part.split("-");
    const a = parseDay(from ?? "", field);
    const b = to === undefined ? a : parseDay(to, field);
    for (let d = a;; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days];
}

/**
 * Parses `SHOP_HOURS`, e.g. `Mo-Fr 11:00-22:00; Sa,Su 12:00-23:00`. A day may have several spans
 * (`Mo 11:00-14:00; Mo 17:00-22:00`); days not named are closed.
 */
export function parseHours(text: string, field = "SHOP_HOURS"): OpeningSpan[] {
  const spans: OpeningSpan[] = [];
  for (const rule of text.split(";").map((r) => r.trim()).filter(Boolean)) {
    const m = /^(\S+)\s+(\S+)-(\S+)$/.exec(rule);
    if (!m) throw new ConfigError(field, `${field}: "${rule}" is not like "Mo-Fr 11:00-22:00"`);
    const open = parseClock(m[2]!, field);
    const close = parseClock(m[3]!, field);
    if (close <= open) throw new ConfigError(field, `${field}: "${rule}" closes before it opens`);
    for (const day of parseDays(m[1]!, field)) spans.push({ day, open, close });
  }
  if (spans.length === 0) throw new ConfigError(field, `${field} names no opening hours`);
  return spans;
}

function checkTimeZone(tz: string): string {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    throw new ConfigError(
      "SHOP_TIME_ZONE",
      `SHOP_TIME_ZONE: "${tz}" is not an IANA time zone like Europe/Berlin`,
    );
  }
}

function checkLocale(locale: string): string {
  try {
    return new Intl.Locale(locale).toString();
  } catch {
    throw new ConfigError("SHOP_LOCALE", `SHOP_LOCALE: "${locale}" is not a locale like en-GB`);
  }
}

/** Reads and validates the shop's settings from `env`; throws a `ConfigError` naming the variable. */
export function loadShop(env: Record<string, string | undefined> = Deno.env.toObject()): ShopConfig {
  const hours = envString("SHOP_HOURS", DEFAULT_HOURS, env).trim();
  const warn = envInt("KITCHEN_WARN_MINUTES", DEFAULT_SHOP.kitchenWarnMinutes, { min: 1, max: 24 * 60 }, env);
  const late = envInt("KITCHEN_LATE_MINUTES", DEFAULT_SHOP.kitchenLateMinutes, { min: 2, max: 24 * 60 }, env);
  if (late <= warn) {
    throw new ConfigError(
      "KITCHEN_LATE_MINUTES",
      `KITCHEN_LATE_MINUTES: ${late} must be above KITCHEN_WARN_MINUTES (${warn})`,
    );
  }
  return {
    name: envString("SHOP_NAME", DEFAULT_SHOP.name, env).trim().slice(0, 80),
    address: envString("SHOP_ADDRESS", DEFAULT_SHOP.address, env).trim().slice(0, 200),
    phone: envString("SHOP_PHONE", "", env).trim().slice(0, 40),
    hours: parseHours(hours),
    timeZone: checkTimeZone(envString("SHOP_TIME_ZONE", DEFAULT_SHOP.timeZone, env)),
    locale: checkLocale(envString("SHOP_LOCALE", DEFAULT_SHOP.locale, env)),
    prepMinutes: envInt("SHOP_PREP_MINUTES", DEFAULT_SHOP.prepMinutes, { min: 0, max: 24 * 60 }, env),
    kitchenWarnMinutes: warn,
    kitchenLateMinutes: late,
  };
}

let cached: ShopConfig | undefined;

/** This process's shop settings (from its environment, read once). */
export function processShop(): ShopConfig {
  return cached ??= loadShop();
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    partsFormats.set(timeZone, f);
  }
  return f;
}

/** Wall-clock parts of `at` in `timeZone`. */
function zonedParts(
  at: Date,
  timeZone: string,
): { y: number; mo: number; d: number; min: number; day: number } {
  const parts = partsFormat(timeZone).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(get("weekday"));
  return {
    y: Number(get("year")),
    mo: Number(get("month")),
    d: Number(get("day")),
    min: Number(get("hour")) * 60 + Number(get("minute")),
    day: weekday,
  };
}

/** The instant when the wall clock in `timeZone` shows `minutes` after midnight of y-mo-d. */
function zonedInstant(y: number, mo: number, d: number, minutes: number, timeZone: string): Date {
  const wall = Date.UTC(y, mo - 1, d, 0, minutes);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = zonedParts(new Date(guess), timeZone);
    const shown = Date.UTC(p.y, p.mo - 1, p.d, 0, p.min);
    const diff = wall - shown;
    if (diff === 0) break;
    guess += diff;
  }
  return new Date(guess);
}

/** The first instant of the local day (in `timeZone`) that holds `at`: local midnight, DST-safe. */
export function startOfLocalDay(at: Date, timeZone: string): Date {
  const p = zonedParts(at, timeZone);
  return zonedInstant(p.y, p.mo, p.d, 0, timeZone);
}

/** The first instant of the local hour (in `timeZone`) that holds `at` (zones off by 30 or 45 minutes too). */
export function startOfLocalHour(at: Date, timeZone: string): Date {
  const minuteOfHour = zonedParts(at, timeZone).min % 60;
  const ms = at.getTime();
  return new Date(ms - (ms % 60_000 + 60_000) % 60_000 - minuteOfHour * 60_000);
}

/** Opening intervals (as instants) of the local days from `from` through `days` days later. */
export function openingIntervals(shop: ShopConfig, from: Date, days: number): { open: Date; close: Date }[] {
  const out: { open: Date; close: Date }[] = [];
  const start = zonedParts(from, shop.timeZone);
  for (let i = 0; i <= days; i++) {
    // Noon of the local day i days on, so DST changes never skip or repeat a day.
    const noon = zonedInstant(start.y, start.mo, start.d + i, 12 * 60, shop.timeZone);
    const p = zonedParts(noon, shop.timeZone);
    for (const span of shop.hours.filter((s) => s.day === p.day)) {
      out.push({
        open: zonedInstant(p.y, p.mo, p.d, span.open, shop.timeZone),
        close: zonedInstant(p.y, p.mo, p.d, span.close, shop.timeZone),
      });
    }
  }
  return out.sort((a, b) => a.open.getTime() - b.open.getTime());
}

/**
 * The shop while busy mode adds `busyMinutes` (stored by stock, `GetShopStatus`) to the preparation
 * estimate: every pickup estimate and slot computed from it moves by that much. 0 returns `shop` itself.
 */
export function withBusyMinutes(shop: ShopConfig, busyMinutes: number): ShopConfig {
  if (!(busyMinutes > 0)) return shop;
  return { ...shop, prepMinutes: shop.prepMinutes + Math.floor(busyMinutes) };
}

/** The earliest pickup a customer may ask for now: `now` + the prep estimate + `extraMinutes`. */
export function earliestPickup(shop: ShopConfig, now: Date, extraMinutes = 0): Date {
  return new Date(now.getTime() + (shop.prepMinutes + extraMinutes) * 60_000);
}

/**
 * Pickup slots to offer: every {@linkcode SLOT_MINUTES} within opening hours, no earlier than
 * {@linkcode earliestPickup}, from today and tomorrow (local days), at most `limit`.
 */
export function pickupSlots(shop: ShopConfig, now: Date, extraMinutes = 0, limit = 48): Date[] {
  const earliest = earliestPickup(shop, now, extraMinutes).getTime();
  const step = SLOT_MINUTES * 60_000;
  const slots: Date[] = [];
  for (const { open, close } of openingIntervals(shop, now, 1)) {
    let t = Math.max(open.getTime(), Math.ceil(earliest / step) * step);
    // A span ending at 24:00 and the next day's starting at 00:00 meet at one instant: offer it once.
    if (slots.length > 0 && t <= slots[slots.length - 1]!.getTime()) t += step;
    for (; t <= close.getTime() && slots.length < limit; t += step) slots.push(new Date(t));
  }
  return slots;
}

/** True when `at` is within opening hours and no earlier than {@linkcode earliestPickup} (a minute's grace). */
export function isValidSlot(shop: ShopConfig, at: Date, now: Date, extraMinutes = 0): boolean {
  if (at.getTime() < earliestPickup(shop, now, extraMinutes).getTime() - 60_000) return false;
  const days = Math.ceil((at.getTime() - now.getTime()) / 86_400_000) + 1;
  if (days > 8) return false;
  return openingIntervals(shop, now, days).some((i) =>
    at.getTime() >= i.open.getTime() && at.getTime() <= i.close.getTime()
  );
}

/** True when the shop is open at `at`. */
export function isOpen(shop: ShopConfig, at: Date): boolean {
  return openingIntervals(shop, new Date(at.getTime() - 86_400_000), 1).some((i) =>
    at.getTime() >= i.open.getTime() && at.getTime() < i.close.getTime()
  );
}

/** `at` as a time of day in the shop's zone and locale, e.g. `18:30`. */
export function formatTime(at: Date, shop: ShopConfig): string {
  return shopFormat("time", shop, { timeZone: shop.timeZone, hour: "2-digit", minute: "2-digit" }).format(at);
}

/** `at` as a date and time in the shop's zone and locale, e.g. `30 Nov 2026, 18:30`. */
export function formatDateTime(at: Date, shop: ShopConfig): string {
  return shopFormat("dateTime", shop, {
    timeZone: shop.timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(at);
}

/** A pickup slot's label relative to `now`: `18:30` today, else `Tue 18:30`. */
export function slotLabel(at: Date, now: Date, shop: ShopConfig): string {
  const a = zonedParts(at, shop.timeZone);
  const n = zonedParts(now, shop.timeZone);
  if (a.y === n.y && a.mo === n.mo && a.d === n.d) return formatTime(at, shop);
  const day = shopFormat("weekday", shop, { timeZone: shop.timeZone, weekday: "short" }).format(at);
  return `${day} ${formatTime(at, shop)}`;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * Opening hours as lines people read, consecutive days with the same hours grouped:
 * `["Mon–Fri 11:00–22:00", "Sat–Sun 12:00–23:00"]`. Day names follow the shop's locale.
 */
export function hoursText(shop: ShopConfig): string[] {
  const kept = hoursTexts.get(shop);
  if (kept && kept.hours === shop.hours && kept.locale === shop.locale) return [...kept.lines];
  const names = shopFormat("dayName", shop, { weekday: "short", timeZone: "UTC" });
  const dayName = (d: number) => names.format(new Date(Date.UTC(2024, 0, 1 + d))); // 2024-01-01 was a Monday
  const perDay = DAY_NAMES.map((_, d) =>
    shop.hours.filter((s) => s.day === d).sort((a, b) => a.open - b.open)
      .map((s) => `${clock(s.open)}–${clock(s.close)}`).join(", ")
  );
  const lines: string[] = [];
  for (let d = 0; d < 7;) {
    let e = d;
    while (e + 1 < 7 && perDay[e + 1] === perDay[d]) e++;
    const days = d === e ? dayName(d) : `${dayName(d)}–${dayName(e)}`;
    lines.push(`${days} ${perDay[d] || "closed"}`);
    d = e + 1;
  }
  hoursTexts.set(shop, { hours: shop.hours, locale: shop.locale, lines });
  return [...lines];
}

/** {@linkcode hoursText} per shop settings object (every page's footer shows them). */
const hoursTexts = new WeakMap<ShopConfig, { hours: OpeningSpan[]; locale: string; lines: string[] }>();

const shopFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The date format `kind` of `shop`'s locale with `options`, made once per kind, locale and time zone
 * (building an `Intl.DateTimeFormat` costs far more than formatting with one).
 */
function shopFormat(
  kind: string,
  shop: ShopConfig,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${kind} ${shop.locale} ${options.timeZone}`;
  let f = shopFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(shop.locale, options);
    shopFormats.set(key, f);
  }
  return f;
}
