/**
 * What a staff member's search text can mean, and where to read it: `#1042` or `1042` is an order
 * number (and, with enough digits, the end of a phone number), something with `@` an email, digits
 * with phone punctuation a phone number, a UUID an order id (or a customer id), a word a customer id or
 * a name (every word of the query must be a word of the name). The plan names the index sources that
 * hold every match (`sources.ts`) and the check each candidate must pass. Pure apart from the sources.
 *
 * @module
 */
import type { Order } from "../domain/order.ts";
import { numberKey } from "./keys.ts";
import { ofCustomer, single, type Source, withToken } from "./sources.ts";
import {
  emailToken,
  nameToken,
  nameWords,
  normalEmail,
  PHONE_SUFFIX,
  phoneDigits,
  phoneMatches,
  phoneToken,
} from "./tokens.ts";

/** Longest query read, in characters. */
export const MAX_QUERY = 120;

/** Where a text search reads its candidates and how it checks them. */
export interface TextPlan {
  /** Sources whose union holds every matching order (empty: nothing can match). */
  sources: Source[];
  /** True when `order` matches the text. */
  matches: (order: Order) => boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PHONE_LIKE = /^\+?[\d\s().\/-]+$/;

/** The plan of search text `text` (trimmed; null when there is no text to match). */
export function planText(text: string): TextPlan | null {
  const q = text.trim().slice(0, MAX_QUERY);
  if (!q) return null;
  const sources: Source[] = [];
  const checks: ((o: Order) => boolean)[] = [];

  const numberText = q.startsWith("#") ? q.slice(1).trim() : q;
  if (/^\d{1,15}$/.test(numberText)) {
    const n = Number(numberText);
    sources.push(single(async (kv) => (await kv.get<string>(numberKey(n))).value));
    checks.push((o) => o.number === n);
  }
  if (q.includes("@")) {
    const email = normalEmail(q);
    sources.push(withToken(emailToken(email)));
    checks.push((o) => normalEmail(o.details?.email ?? "") === email);
  }
  const digits = phoneDigits(q);
  if (PHONE_LIKE.test(q) && digits.replace(/^0+/, "").length >= PHONE_SUFFIX) {
    sources.push(withToken(phoneToken(digits)));
    checks.push((o) => phoneMatches(phoneDigits(o.details?.phone ?? ""), digits));
  }
  if (UUID.test(q)) {
    const id = q.toLowerCase();
    sources.push(single(() => Promise.resolve(id)));
    checks.push((o) => o.id === id);
  }
  if (CUSTOMER_ID.test(q)) {
    sources.push(ofCustomer(q));
    checks.push((o) => o.customerId === q);
  }
  const words = nameWords(q, 8);
  if (words.length > 0 && !q.includes("@")) {
    // the longest word is the most selective; the others are checked on each candidate
    sources.push(withToken(nameToken(words[0]!)));
    checks.push((o) => {
      const have = new Set(nameWords(o.details?.name ?? "", 64));
      return words.every((w) => have.has(w));
    });
  }
  return { sources, matches: (o) => checks.some((c) => c(o)) };
}
