/**
 * How order search reads text: names split into normalised words (lower case, accents dropped), phone
 * numbers reduced to digits (matched by their last {@linkcode PHONE_SUFFIX} digits), emails lower case.
 * The same functions build the index tokens when an order is stored and read a staff member's query,
 * so both sides always agree. Pure.
 *
 * @module
 */
import type { OrderDetails } from "../../common/gen/oms/types/v1/types.ts";

/** How many trailing digits of a phone number the index keeps (a query needs at least that many). */
export const PHONE_SUFFIX = 6;
/** Most name words indexed per order (the longest ones). */
export const MAX_NAME_TOKENS = 4;
/** Longest token kept, in characters. */
export const MAX_TOKEN = 40;

/** `text` lower case, accents dropped, compatibility forms folded ("Émile" -> "emile"). */
export function normalize(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The distinct normalised words of `name` (letters and digits), longest first, at most `limit`. */
export function nameWords(name: string, limit = MAX_NAME_TOKENS): string[] {
  const words = normalize(name).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0)
    .map((w) => w.slice(0, MAX_TOKEN));
  return [...new Set(words)].sort((a, b) => b.length - a.length).slice(0, limit);
}

/** The digits of a phone number ("+49 (30) 123-4567" -> "49301234567"). */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, "");
}

/** An email as compared: trimmed, lower case. */
export function normalEmail(email: string): string {
  return email.trim().toLowerCase().slice(0, 254);
}

/** The index token of a name word. */
export function nameToken(word: string): string {
  return `n:${word}`;
}

/** The index token of a phone number's last {@linkcode PHONE_SUFFIX} digits ("" when too short). */
export function phoneToken(digits: string): string {
  return digits.length >= PHONE_SUFFIX ? `p:${digits.slice(-PHONE_SUFFIX)}` : "";
}

/** The index token of an email ("" for none). */
export function emailToken(email: string): string {
  const e = normalEmail(email);
  return e ? `e:${e}` : "";
}

/** Every search token of an order's details: its name words, phone suffix and email. */
export function detailTokens(details: OrderDetails | undefined): string[] {
  if (!details) return [];
  const tokens = [
    ...nameWords(details.name).map(nameToken),
    phoneToken(phoneDigits(details.phone)),
    emailToken(details.email),
  ];
  return [...new Set(tokens.filter((t) => t !== ""))];
}

/**
 * True when the phone number `digits` is the one a query's digits name: the same number with or without
 * a country code or trunk zero ("030 1234567" finds "+49 30 1234567").
 */
export function phoneMatches(digits: string, queryDigits: string): boolean {
  const q = queryDigits.replace(/^0+/, "");
  const d = digits.replace(/^0+/, "");
  if (q.length < PHONE_SUFFIX || d.length < PHONE_SUFFIX) return false;
  return d.endsWith(q) || q.endsWith(d);
}
