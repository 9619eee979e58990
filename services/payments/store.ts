/**
 * The payments KV layout.
 *
 * - `["payments", orderId]` -> {@linkcode PaymentRecord}
 * - `["payments_by_session", sessionId]` -> orderId
 * - `["payments_open", orderId]` -> {@linkcode OpenIndexEntry}, while the payment is open (what the
 *   reconciliation job asks the provider about, without scanning every payment ever made; built once for
 *   older stores by {@linkcode backfillOpenIndex}); stores written before it had a last-checked time
 *   hold the session id alone, read as never checked
 * - `["payments_meta", "open_index"]` -> true once the open index covers every payment
 * - `["provider_events", provider, eventId]` -> {@linkcode HandledEvent} (each provider event is handled once)
 * - `["checkout_drafts", orderId]` -> {@linkcode CheckoutDraft} (the checkout parameters fixed before the
 *   provider is first asked, so every retry sends the same parameters with the same idempotency key)
 * - `["cancelled_orders", orderId]` -> {@linkcode CancelledOrder} (payments heard `order.cancelled`: the
 *   order will never be served, so no checkout is made for it any more and a payment that succeeds for
 *   it anyway is refunded)
 *
 * Persistence only: keys, reads, and the checks and mutations a use case adds to its operation
 * (`app.ts` sequences them in the unit of work, which commits them with the outbox records of the
 * events they imply). It never commits.
 *
 * @module
 */
import { PaymentStatus } from "../common/gen/oms/payments/v1/payments.ts";
import type { PaymentRecord } from "./domain/lifecycle.ts";
import type { ProviderEvent } from "./providers/provider.ts";

export type { PaymentRecord } from "./domain/lifecycle.ts";

/** Checkout parameters fixed once per order. */
export interface CheckoutDraft {
  /** When the first attempt was made. */
  createdAt: Date;
  /** The `expires_at` every attempt sends. */
  expiresAt: Date;
  /** 1 for the first draft; a stale draft is replaced by the next generation, with its own idempotency key. */
  generation: number;
}

/** The marker of a handled provider event. */
export interface HandledEvent {
  /** The order the event was about. */
  orderId: string;
  /** The event's outcome type. */
  type: string;
  /** When it was handled. */
  handledAt: Date;
  /** How it reached payments (absent: a webhook or the local pay page, as before reconciliation). */
  via?: HandledVia;
}

/** How a provider event reached payments: its webhook (or the local pay page), or the reconciliation job. */
export type HandledVia = "webhook" | "reconciliation";

/** The marker of an order payments heard was cancelled. */
export interface CancelledOrder {
  /** When the order was cancelled (from the event). */
  cancelledAt: Date;
  /** The `order.cancelled` message that said so. */
  messageId: string;
}

/** How long a checkout draft is kept (it is deleted when its payment is stored). */
const DRAFT_TTL_MS = 24 * 3600 * 1000;

/** The key of an order's payment. */
export function paymentKey(orderId: string): Deno.KvKey {
  return ["payments", orderId];
}

/** The key of the session index. */
export function sessionKey(sessionId: string): Deno.KvKey {
  return ["payments_by_session", sessionId];
}

/** The key of an open payment's entry in the open index. */
export function openKey(orderId: string): Deno.KvKey {
  return ["payments_open", orderId];
}

const OPEN_INDEX_BUILT: Deno.KvKey = ["payments_meta", "open_index"];

/** An open payment's entry in the open index. */
export interface OpenIndexEntry {
  /** The payment's checkout session. */
  sessionId: string;
  /** When reconciliation last read the session by itself (ms since the epoch); unset: never. */
  checkedAt?: number;
}

/** One entry of the open index as read, with its order id and version. */
export interface OpenIndexed extends OpenIndexEntry {
  orderId: string;
  versionstamp: string;
}

/** The key of a handled provider event. */
export function providerEventKey(provider: string, eventId: string): Deno.KvKey {
  return ["provider_events", provider, eventId];
}

/** The key of the marker of a cancelled order. */
export function cancelledOrderKey(orderId: string): Deno.KvKey {
  return ["cancelled_orders", orderId];
}

/** The key of an order's checkout draft. */
export function draftKey(orderId: string): Deno.KvKey {
  return ["checkout_drafts", orderId];
}

/** The payment of `orderId`, with its versionstamp (null value when there is none). */
export async function readPayment(kv: Deno.Kv, orderId: string): Promise<Deno.KvEntryMaybe<PaymentRecord>> {
  return await kv.get<PaymentRecord>(paymentKey(orderId));
}

/** The cancelled marker of `orderId`, with its versionstamp (null value when not cancelled). */
export async function readCancelled(
  kv: Deno.Kv,
  orderId: string,
): Promise<Deno.KvEntryMaybe<CancelledOrder>> {
  return await kv.get<CancelledOrder>(cancelledOrderKey(orderId));
}

/** The checkout draft of `orderId`, with its versionstamp. */
export async function readDraft(kv: Deno.Kv, orderId: string): Promise<Deno.KvEntryMaybe<CheckoutDraft>> {
  return await kv.get<CheckoutDraft>(draftKey(orderId));
}

/** The marker of provider event `eventId` of `provider` (null value when not handled yet). */
export async function readHandled(
  kv: Deno.Kv,
  provider: string,
  eventId: string,
): Promise<Deno.KvEntryMaybe<HandledEvent>> {
  return await kv.get<HandledEvent>(providerEventKey(provider, eventId));
}

/** The order id the session index holds for `sessionId`, or null. */
export async function readSessionOrder(kv: Deno.Kv, sessionId: string): Promise<string | null> {
  return (await kv.get<string>(sessionKey(sessionId))).value;
}

/** The payment whose checkout session is `sessionId`, or null. */
export async function readBySession(
  kv: Deno.Kv,
  sessionId: string,
): Promise<Deno.KvEntryMaybe<PaymentRecord> | null> {
  const index = await kv.get<string>(sessionKey(sessionId));
  if (index.value === null) return null;
  return await readPayment(kv, index.value);
}

/** The payment a provider event is about: by its session, else by its order when the session matches. */
export async function readByEvent(
  kv: Deno.Kv,
  event: Pick<ProviderEvent, "sessionId" | "orderId">,
): Promise<Deno.KvEntryMaybe<PaymentRecord> | null> {
  const bySession = await readBySession(kv, event.sessionId);
  if (bySession?.value) return bySession;
  if (!event.orderId) return null;
  const byOrder = await readPayment(kv, event.orderId);
  return byOrder.value?.sessionId === event.sessionId ? byOrder : null;
}

/** An order's payment and cancelled marker, read together (one KV read). */
export interface PaymentAndCancelled {
  /** The payment (null value when there is none). */
  payment: Deno.KvEntryMaybe<PaymentRecord>;
  /** The cancelled marker (null value when not cancelled). */
  cancelled: Deno.KvEntryMaybe<CancelledOrder>;
}

/** The payment and the cancelled marker of `orderId`, in one `getMany`. */
export async function readPaymentAndCancelled(kv: Deno.Kv, orderId: string): Promise<PaymentAndCancelled> {
  const [payment, cancelled] = await kv.getMany<[PaymentRecord, CancelledOrder]>([
    paymentKey(orderId),
    cancelledOrderKey(orderId),
  ]);
  return { payment: payment!, cancelled: cancelled! };
}

/** What making an order's checkout depends on: {@linkcode PaymentAndCancelled} and its draft. */
export interface CheckoutState extends PaymentAndCancelled {
  /** The checkout draft (null value when there is none). */
  draft: Deno.KvEntryMaybe<CheckoutDraft>;
}

/** The payment, cancelled marker and checkout draft of `orderId`, in one `getMany`. */
export async function readCheckoutState(kv: Deno.Kv, orderId: string): Promise<CheckoutState> {
  const [payment, cancelled, draft] = await kv.getMany<[PaymentRecord, CancelledOrder, CheckoutDraft]>([
    paymentKey(orderId),
    cancelledOrderKey(orderId),
    draftKey(orderId),
  ]);
  return { payment: payment!, cancelled: cancelled!, draft: draft! };
}

/** What handling a provider event reads: its handled marker, its payment, and that order's cancelled marker. */
export interface EventState {
  /** The marker of the event (null value when not handled yet). */
  marker: Deno.KvEntryMaybe<HandledEvent>;
  /** The payment the event is about ({@linkcode readByEvent}), or null. */
  entry: Deno.KvEntryMaybe<PaymentRecord> | null;
  /** The cancelled marker of that payment's order; null when there is no payment. */
  cancelled: Deno.KvEntryMaybe<CancelledOrder> | null;
}

/**
 * {@linkcode EventState} of `event` of `provider`: the same entries as {@linkcode readHandled},
 * {@linkcode readByEvent} and {@linkcode readCancelled} of the payment's order would give, in one
 * `getMany` when the event names its order and the session index agrees (every local event, most
 * Stripe ones), else in two.
 */
export async function readEventState(
  kv: Deno.Kv,
  provider: string,
  event: Pick<ProviderEvent, "id" | "sessionId" | "orderId">,
): Promise<EventState> {
  const { orderId, sessionId } = event;
  if (!orderId) {
    const [marker, index] = await kv.getMany<[HandledEvent, string]>([
      providerEventKey(provider, event.id),
      sessionKey(sessionId),
    ]);
    if (index!.value === null) return { marker: marker!, entry: null, cancelled: null };
    const { payment, cancelled } = await readPaymentAndCancelled(kv, index!.value);
    return payment.value
      ? { marker: marker!, entry: payment, cancelled }
      : { marker: marker!, entry: null, cancelled: null };
  }
  const [marker, index, byOrder, cancelled] = await kv.getMany<
    [HandledEvent, string, PaymentRecord, CancelledOrder]
  >([
    providerEventKey(provider, event.id),
    sessionKey(sessionId),
    paymentKey(orderId),
    cancelledOrderKey(orderId),
  ]);
  const indexed = index!.value;
  if (indexed !== null && indexed !== orderId) {
    // the session index names another order: that order's payment, when there is one
    const other = await readPaymentAndCancelled(kv, indexed);
    if (other.payment.value) return { marker: marker!, entry: other.payment, cancelled: other.cancelled };
  }
  // by the session index (naming this order), else by the order when its session matches
  const found = byOrder!.value !== null &&
    (indexed === orderId || byOrder!.value.sessionId === sessionId);
  return found
    ? { marker: marker!, entry: byOrder!, cancelled: cancelled! }
    : { marker: marker!, entry: null, cancelled: null };
}

/** The entries of the open index (a payment may have moved on since; read it before acting). */
export async function listOpen(kv: Deno.Kv): Promise<OpenIndexed[]> {
  const out: OpenIndexed[] = [];
  for await (const e of kv.list<OpenIndexEntry | string>({ prefix: ["payments_open"] })) {
    const value = typeof e.value === "string" ? { sessionId: e.value } : e.value;
    out.push({ ...value, orderId: e.key[1] as string, versionstamp: e.versionstamp });
  }
  return out;
}

/** The order ids the open index lists (a payment may have moved on since; read it before acting). */
export async function listOpenOrderIds(kv: Deno.Kv): Promise<string[]> {
  return (await listOpen(kv)).map((e) => e.orderId);
}

/**
 * Records that reconciliation read the session of the open payment indexed as `entry` at `at` (ms),
 * unless the entry changed or left since (a payment that left open is not indexed again).
 */
export async function markOpenChecked(kv: Deno.Kv, entry: OpenIndexed, at: number): Promise<boolean> {
  const value: OpenIndexEntry = { sessionId: entry.sessionId, checkedAt: at };
  const key = openKey(entry.orderId);
  return (await kv.atomic().check({ key, versionstamp: entry.versionstamp }).set(key, value).commit()).ok;
}

/** Removes the open index entry of `payment` (read as no longer open) unless the payment changed since. */
export async function dropStaleOpen(kv: Deno.Kv, payment: Deno.KvEntry<PaymentRecord>): Promise<void> {
  await kv.atomic().check(payment).delete(openKey(payment.value.orderId)).commit();
}

/**
 * Makes the open index cover payments stored before it existed: once per store, every open payment gets
 * its entry (each checked against the payment as read, so one that moves meanwhile is left out: it is
 * no longer open), then the store is marked indexed. Returns how many entries it added.
 */
export async function backfillOpenIndex(kv: Deno.Kv): Promise<number> {
  if ((await kv.get(OPEN_INDEX_BUILT)).value) return 0;
  let added = 0;
  for await (const entry of listPayments(kv)) {
    if (entry.value.status !== PaymentStatus.PAYMENT_STATUS_OPEN) continue;
    const value: OpenIndexEntry = { sessionId: entry.value.sessionId };
    const res = await kv.atomic().check(entry).set(openKey(entry.value.orderId), value).commit();
    if (res.ok) added++;
  }
  await kv.set(OPEN_INDEX_BUILT, true);
  return added;
}

/** Every payment, in order id order. */
export function listPayments(kv: Deno.Kv): AsyncIterable<Deno.KvEntry<PaymentRecord>> {
  return kv.list<PaymentRecord>({ prefix: ["payments"] });
}

/** Adds storing `draft` to `op`, checked against the draft read as `found` (kept a day). */
export function addDraft(
  op: Deno.AtomicOperation,
  found: Deno.KvEntryMaybe<CheckoutDraft>,
  orderId: string,
  draft: CheckoutDraft,
): void {
  op.check(found).set(draftKey(orderId), draft, { expireIn: DRAFT_TTL_MS });
}

/**
 * Adds a new payment to `op`: the checks that the order has none yet and is not known cancelled, the
 * payment, its session index and the draft's removal.
 */
export function addPayment(op: Deno.AtomicOperation, payment: PaymentRecord): void {
  op.check({ key: paymentKey(payment.orderId), versionstamp: null })
    .check({ key: cancelledOrderKey(payment.orderId), versionstamp: null })
    .set(paymentKey(payment.orderId), payment)
    .set(sessionKey(payment.sessionId), payment.orderId)
    .delete(draftKey(payment.orderId));
  if (payment.status === PaymentStatus.PAYMENT_STATUS_OPEN) {
    op.set(openKey(payment.orderId), { sessionId: payment.sessionId } satisfies OpenIndexEntry);
  }
}

/**
 * Adds replacing the payment read as `entry` by `next` to `op`, checked against the version read (a
 * payment leaving open leaves the open index too).
 */
export function addUpdate(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<PaymentRecord>,
  next: PaymentRecord,
): void {
  op.check(entry).set(paymentKey(next.orderId), next);
  if (next.status !== PaymentStatus.PAYMENT_STATUS_OPEN) op.delete(openKey(next.orderId));
}

/**
 * Adds to `op` that `orderId` is cancelled: the marker (kept as first written) and checks on the
 * payment and the marker as read, so a provider event that moves the payment meanwhile makes this
 * commit fail and the handler run again on what it then finds.
 */
export function addCancelled(
  op: Deno.AtomicOperation,
  orderId: string,
  payment: Deno.KvEntryMaybe<PaymentRecord>,
  marker: Deno.KvEntryMaybe<CancelledOrder>,
  value: CancelledOrder,
): void {
  op.check(payment).check(marker);
  if (marker.value === null) op.set(cancelledOrderKey(orderId), value);
}

/**
 * Adds marking provider event `eventId` handled to `op`, checked unseen (`marker` read with a null
 * value), together with checks on the cancelled marker as read.
 */
export function addHandled(
  op: Deno.AtomicOperation,
  provider: string,
  eventId: string,
  marker: Deno.KvEntryMaybe<HandledEvent>,
  cancelled: Deno.KvEntryMaybe<CancelledOrder>,
  value: HandledEvent,
): void {
  op.check(marker).check(cancelled).set(providerEventKey(provider, eventId), value);
}
