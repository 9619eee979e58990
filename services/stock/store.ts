/**
 * Stock's KV layout.
 *
 * Layout:
 * - `["items", id]` -> {@linkcode StockItem}
 * - `["reservations", orderId]` -> {@linkcode StockReservation}
 * - `["unconfirmed_reservations", heldSinceMs, orderId]` -> orderId (`heldSince`, else `createdAt`: see
 *   `holdStart`; a renewed hold moves the entry), while stock has not learnt that the
 *   order of a `reserved` reservation exists (written with the reservation, deleted in the same commit
 *   as its confirmation, sale or release), so the sweeper reads only the overdue entries, oldest first
 * - `["catalog", "seeded"]` -> ISO time the demo menu was seeded
 *
 * Persistence only: keys, reads, and the mutations a use case adds to its operation (`app.ts` sequences
 * them in the unit of work, which checks every item read and re-runs on conflict, so concurrent
 * reservations can never drive a count below zero).
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import { compareMenuOrder, type StockItem } from "./domain/item.ts";
import { MENU, MENU_CURRENCY, menuImage, type MenuItem } from "./domain/menu.ts";
import { holdStart, type ReservationChange, type StockReservation } from "./domain/reservation.ts";

/** KV key of item `id`. */
export function itemKey(id: string): Deno.KvKey {
  return ["items", id];
}

/** KV key of the reservation of order `orderId`. */
export function reservationKey(orderId: string): Deno.KvKey {
  return ["reservations", orderId];
}

/** Prefix of the index of open reservations orders has not yet confirmed (the sweeper's to-do list). */
export const UNCONFIRMED: Deno.KvKey = ["unconfirmed_reservations"];

/** KV key of `reservation`'s entry in the unconfirmed index. */
export function unconfirmedKey(
  reservation: Pick<StockReservation, "orderId" | "createdAt" | "heldSince">,
): Deno.KvKey {
  return [...UNCONFIRMED, Date.parse(holdStart(reservation)), reservation.orderId];
}

const SEEDED_KEY: Deno.KvKey = ["catalog", "seeded"];

/** `kv.getMany` reads at most 10 keys at a time. */
const GET_MANY_LIMIT = 10;

/**
 * Seeds the demo menu when the catalog is empty, in one atomic commit (a concurrent seeder loses
 * the race and changes nothing). Returns true when this call seeded.
 */
export async function seedCatalog(kv: Deno.Kv): Promise<boolean> {
  for await (const _ of kv.list({ prefix: ["items"] }, { limit: 1 })) return false;
  const op = kv.atomic().check({ key: SEEDED_KEY, versionstamp: null });
  for (const m of MENU) {
    op.check({ key: itemKey(m.id), versionstamp: null }).set(itemKey(m.id), menuStockItem(m));
  }
  op.set(SEEDED_KEY, new Date().toISOString());
  const res = await op.commit();
  return res.ok;
}

/** The menu's fields of demo item `m` (what {@linkcode upgradeCatalog} fills in). */
function menuFields(m: MenuItem): Required<Pick<StockItem, MenuField>> {
  return {
    category: m.category,
    tags: [...m.tags],
    allergens: [...m.allergens],
    image: menuImage(m.name),
    position: m.position,
    station: m.station,
  };
}

type MenuField = "category" | "tags" | "allergens" | "image" | "position" | "station";
const MENU_FIELDS: readonly MenuField[] = ["category", "tags", "allergens", "image", "position", "station"];

/** Demo item `m` as seeded: its opening stock, nothing reserved or sold. */
function menuStockItem(m: MenuItem): StockItem {
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    price: m.price,
    currency: MENU_CURRENCY,
    available: m.quantity,
    reserved: 0,
    sold: 0,
    ...menuFields(m),
  };
}

/** What {@linkcode upgradeCatalog} changed: demo ids whose menu fields it filled, and demo ids it added. */
export interface CatalogUpgrade {
  filled: string[];
  added: string[];
}

/**
 * Brings a catalog seeded from an older demo menu up to the current one, idempotently: fills the menu
 * fields (category, tags, allergens, image, position, station) a demo item lacks, each only where it is absent
 * (what staff set stays), and adds demo items the catalog does not have yet with their opening stock.
 * Never touches stock counts, prices, names or descriptions of existing items; each write is guarded
 * by the versionstamp it read (a concurrent reservation makes it read again). Does nothing to a
 * catalog that was not seeded from the demo menu.
 */
export async function upgradeCatalog(kv: Deno.Kv): Promise<CatalogUpgrade> {
  const done: CatalogUpgrade = { filled: [], added: [] };
  if ((await kv.get(SEEDED_KEY)).versionstamp === null) return done;
  for (const m of MENU) {
    for (let attempt = 0;; attempt++) {
      const seen = await kv.get<StockItem>(itemKey(m.id));
      const op = kv.atomic().check({ key: itemKey(m.id), versionstamp: seen.versionstamp });
      let change: keyof CatalogUpgrade;
      if (seen.value === null) {
        op.set(itemKey(m.id), menuStockItem(m));
        change = "added";
      } else {
        const missing = MENU_FIELDS.filter((f) => seen.value![f] === undefined);
        if (missing.length === 0) break;
        const fields = menuFields(m);
        op.set(itemKey(m.id), { ...seen.value, ...Object.fromEntries(missing.map((f) => [f, fields[f]])) });
        change = "filled";
      }
      if ((await op.commit()).ok) {
        done[change].push(m.id);
        break;
      }
      if (attempt >= 20) {
        throw new DomainError("unavailable", `Upgrading demo item "${m.id}" kept conflicting; restart stock`);
      }
    }
  }
  return done;
}

/** Every catalog item in menu order: by position, then name (see `compareMenuOrder`). */
export async function listItems(kv: Deno.Kv): Promise<StockItem[]> {
  const items: StockItem[] = [];
  for await (const e of kv.list<StockItem>({ prefix: ["items"] })) items.push(e.value);
  return items.sort(compareMenuOrder);
}

/** Item `id`; throws `not_found` naming the id when there is none. */
export async function getItem(kv: Deno.Kv, id: string): Promise<StockItem> {
  const e = await kv.get<StockItem>(itemKey(id));
  if (e.value === null) throw new DomainError("not_found", `Item "${id}" not found`, { field: "id" });
  return e.value;
}

/** The reservation of `orderId`; throws `not_found` naming the order when there is none. */
export async function getReservation(kv: Deno.Kv, orderId: string): Promise<StockReservation> {
  const e = await kv.get<StockReservation>(reservationKey(orderId));
  if (e.value === null) {
    throw new DomainError("not_found", `No reservation for order "${orderId}"`, { field: "order_id" });
  }
  return e.value;
}

/** Reads item entries by id (in chunks of 10), keyed by id; missing items are absent from the map. */
export async function readItems(
  kv: Deno.Kv,
  ids: readonly string[],
): Promise<{ entries: Deno.KvEntryMaybe<StockItem>[]; items: Map<string, StockItem> }> {
  const entries: Deno.KvEntryMaybe<StockItem>[] = [];
  for (let i = 0; i < ids.length; i += GET_MANY_LIMIT) {
    const chunk = ids.slice(i, i + GET_MANY_LIMIT).map(itemKey);
    entries.push(...await kv.getMany<StockItem[]>(chunk));
  }
  const items = new Map<string, StockItem>();
  for (const e of entries) if (e.value !== null) items.set(e.value.id, e.value);
  return { entries, items };
}

/**
 * Reads the reservation of `orderId` and the entries of items `ids` together: the reservation rides in
 * the first `getMany` with up to 9 items, the rest follow in chunks of 10 (one KV read for most orders).
 */
export async function readReservationAndItems(
  kv: Deno.Kv,
  orderId: string,
  ids: readonly string[],
): Promise<{
  reservation: Deno.KvEntryMaybe<StockReservation>;
  entries: Deno.KvEntryMaybe<StockItem>[];
  items: Map<string, StockItem>;
}> {
  const head = ids.slice(0, GET_MANY_LIMIT - 1);
  const [reservation, ...first] = await kv.getMany<[StockReservation, ...StockItem[]]>([
    reservationKey(orderId),
    ...head.map(itemKey),
  ]);
  const rest = await readItems(kv, ids.slice(head.length));
  const entries = [...first as Deno.KvEntryMaybe<StockItem>[], ...rest.entries];
  const items = new Map<string, StockItem>();
  for (const e of entries) if (e.value !== null) items.set(e.value.id, e.value);
  return { reservation: reservation!, entries, items };
}

/**
 * Reads the reservations of `orderIds` and the entries of items `itemIds` for a batch of reservations
 * (`app.ts`'s `reserveBatch`), ten keys per `getMany`, the reads in flight together. Every reservation
 * entry is in `reservations` (value null: none); `entries` holds every item's entry (null for an unknown
 * id), `items` the ones that exist.
 */
export async function readReservationsAndItems(
  kv: Deno.Kv,
  orderIds: readonly string[],
  itemIds: readonly string[],
): Promise<{
  reservations: Map<string, Deno.KvEntryMaybe<StockReservation>>;
  entries: Deno.KvEntryMaybe<StockItem>[];
  items: Map<string, StockItem>;
}> {
  const keys = [...orderIds.map(reservationKey), ...itemIds.map(itemKey)];
  const chunks: Deno.KvKey[][] = [];
  for (let i = 0; i < keys.length; i += GET_MANY_LIMIT) chunks.push(keys.slice(i, i + GET_MANY_LIMIT));
  const read = (await Promise.all(chunks.map((c) => kv.getMany<unknown[]>(c)))).flat();
  const reservations = new Map<string, Deno.KvEntryMaybe<StockReservation>>();
  orderIds.forEach((id, i) => reservations.set(id, read[i] as Deno.KvEntryMaybe<StockReservation>));
  const entries = read.slice(orderIds.length) as Deno.KvEntryMaybe<StockItem>[];
  const items = new Map<string, StockItem>();
  for (const e of entries) if (e.value !== null) items.set(e.value.id, e.value);
  return { reservations, entries, items };
}

/**
 * The reservation of `orderId` and the entries of exactly its items (in its lines' order), reading
 * `likely` (the items the caller expects it to hold) with the reservation in one {@linkcode
 * readReservationAndItems}, and only the reservation's items that were not among them after. Gives
 * the same entries as reading the reservation and then {@linkcode readItems} of its items; with no
 * reservation, no items.
 */
export async function readReservationWithItems(
  kv: Deno.Kv,
  orderId: string,
  likely: readonly string[],
): Promise<{
  reservation: Deno.KvEntryMaybe<StockReservation>;
  entries: Deno.KvEntryMaybe<StockItem>[];
  items: Map<string, StockItem>;
}> {
  const first = await readReservationAndItems(kv, orderId, [...new Set(likely)]);
  const { reservation } = first;
  if (reservation.value === null) return { reservation, entries: [], items: new Map() };
  const read = new Map<string, Deno.KvEntryMaybe<StockItem>>();
  for (const e of first.entries) read.set(e.key[1] as string, e);
  const ids = reservation.value.lines.map((l) => l.itemId);
  const missing = ids.filter((id) => !read.has(id));
  if (missing.length > 0) {
    for (const e of (await readItems(kv, missing)).entries) read.set(e.key[1] as string, e);
  }
  const entries = ids.map((id) => read.get(id)!);
  const items = new Map<string, StockItem>();
  for (const e of entries) if (e.value !== null) items.set(e.value.id, e.value);
  return { reservation, entries, items };
}

/**
 * The overdue part of the unconfirmed index: entries of reservations made at or before `cutoffMs`,
 * oldest first, at most `limit`.
 */
export async function listOverdueUnconfirmed(
  kv: Deno.Kv,
  cutoffMs: number,
  limit: number,
): Promise<Deno.KvEntry<string>[]> {
  return await Array.fromAsync(
    kv.list<string>({ prefix: UNCONFIRMED, end: [...UNCONFIRMED, cutoffMs + 1] }, { limit }),
  );
}

/** Adds `change` (the items and the reservation it touches) to `op`. */
export function addChange(op: Deno.AtomicOperation, change: ReservationChange): void {
  for (const item of change.items) op.set(itemKey(item.id), item);
  op.set(reservationKey(change.reservation.orderId), change.reservation);
}
