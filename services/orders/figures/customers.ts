/**
 * ListCustomers and GetCustomer over the customer records (`customer_record.ts`) and their running
 * figures (`contribution.ts`): a customer is one record read, one `getMany` of their sums and the
 * first entry of their orders index (their first order), never a read of their orders.
 *
 * Without a query the list reads `customers_by_last` newest first and keeps the entries equal to the
 * record's last order (older entries of the same customer are skipped). With a query: an exact
 * customer id, or the customers whose current name, phone or email matches, read through the orders'
 * text index for the query's most selective token (newest first; a customer is kept at the entry of
 * their latest order, so each shows once across pages). A page reads at most {@linkcode MAX_SCANNED}
 * index entries.
 *
 * @module
 */
import { DomainError } from "../../common/domain_error.ts";
import { signed } from "../../common/running_sums.ts";
import { customerFigureKey } from "./contribution.ts";
import { customerKey, type CustomerRecord, CUSTOMERS_BY_LAST } from "./customer_record.ts";
import { BY_CUSTOMER } from "../store.ts";
import { BY_TEXT } from "../search/keys.ts";
import {
  emailToken,
  nameToken,
  nameWords,
  normalEmail,
  PHONE_SUFFIX,
  phoneDigits,
  phoneMatches,
  phoneToken,
} from "../search/tokens.ts";

/** Most index entries one page reads. */
export const MAX_SCANNED = 2000;

/** A customer with their figures. */
export interface CustomerView extends CustomerRecord {
  /** Orders placed. */
  orderCount: number;
  /** Paid minus refunded, minor units of `currency`. */
  totalSpent: number;
  /** Creation time of their first order, epoch ms. */
  firstOrderAt: number;
}

/** A page of customers. */
export interface CustomerPage {
  customers: CustomerView[];
  /** "" when there are no more. */
  nextCursor: string;
}

/** The customer `customerId` with their figures, or null. */
export async function getCustomer(kv: Deno.Kv, customerId: string): Promise<CustomerView | null> {
  const rec = await kv.get<CustomerRecord>(customerKey(customerId));
  if (!rec.value) return null;
  const r = rec.value;
  const fields = ["orders", `paid:${r.currency}`, `refunded:${r.currency}`];
  const [got, first] = await Promise.all([
    kv.getMany<Deno.KvU64[]>(fields.map((f) => customerFigureKey(customerId, f))),
    firstOrderAt(kv, customerId),
  ]);
  const n = (i: number) => (got[i]?.value ? signed(got[i]!.value!) : 0);
  return { ...r, orderCount: n(0), firstOrderAt: first ?? r.lastOrderAt, totalSpent: n(1) - n(2) };
}

/** Creation time of the customer's oldest order (the first entry of their orders index), or null. */
async function firstOrderAt(kv: Deno.Kv, customerId: string): Promise<number | null> {
  for await (const e of kv.list({ prefix: [...BY_CUSTOMER, customerId] }, { limit: 1 })) {
    const k = e.key[BY_CUSTOMER.length + 1];
    if (typeof k === "string") return Number(k.slice(0, k.indexOf("/")));
  }
  return null;
}

/** True when `r`'s contact details match every part of query `q`. */
function matches(r: CustomerRecord, q: string): boolean {
  if (q.includes("@")) return normalEmail(r.email) === normalEmail(q);
  const digits = phoneDigits(q);
  if (
    /^\+?[\d\s().\/-]+$/.test(q) && digits.length >= PHONE_SUFFIX &&
    phoneMatches(phoneDigits(r.phone), digits)
  ) {
    return true;
  }
  const have = new Set(nameWords(r.name, 64));
  const words = nameWords(q, 8);
  return words.length > 0 && words.every((w) => have.has(w));
}

/** The token to read for query `q` ("" when none). */
function tokenOf(q: string): string {
  if (q.includes("@")) return emailToken(q);
  const digits = phoneDigits(q);
  if (/^\+?[\d\s().\/-]+$/.test(q) && digits.replace(/^0+/, "").length >= PHONE_SUFFIX) {
    return phoneToken(digits);
  }
  const words = nameWords(q, 8);
  return words[0] ? nameToken(words[0]) : "";
}

/** Customers matching `query` ("" for all, most recent order first), one page. */
export async function listCustomers(
  kv: Deno.Kv,
  query: string,
  pageSize: number,
  cursor: string,
): Promise<CustomerPage> {
  const q = query.trim().slice(0, 120);
  const customers: CustomerView[] = [];
  const seen = new Set<string>();
  if (q && !cursor) {
    const exact = await getCustomer(kv, q);
    if (exact) {
      customers.push(exact);
      seen.add(exact.customerId);
    }
  }
  const token = q ? tokenOf(q) : "";
  if (q && !token) return { customers, nextCursor: "" };
  const it = kv.list<string>({ prefix: q ? [...BY_TEXT, token] : CUSTOMERS_BY_LAST }, {
    reverse: true,
    cursor: cursor || undefined,
    batchSize: 100,
  });
  let scanned = 0;
  let next = "";
  try {
    for await (const e of it) {
      scanned++;
      const id = e.value;
      // the exact id match was page 1's first entry; later pages skip it
      if (!seen.has(id) && !(cursor && id === q)) {
        const c = await getCustomer(kv, id);
        // each customer once: at their latest order's entry (text) or their latest entry (list)
        const keep = c &&
          (q ? e.key[BY_TEXT.length + 2] === c.lastOrderId && matches(c, q) : e.key[1] === c.lastOrderAt);
        if (c && keep) {
          seen.add(id);
          customers.push(c);
        }
      }
      if (customers.length >= pageSize || scanned >= MAX_SCANNED) {
        next = it.cursor;
        break;
      }
    }
  } catch (err) {
    if (cursor && err instanceof TypeError) {
      throw new DomainError(
        "invalid_argument",
        `Cursor "${cursor.slice(0, 80)}" is not valid for this list`,
        {
          field: "cursor",
          cause: err,
        },
      );
    }
    throw err;
  }
  return { customers, nextCursor: next };
}
