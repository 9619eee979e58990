/**
 * The admin order page's refund form: amount in the currency's major units as staff type it ("5",
 * "5.50", "5,50"), a reason, and a ticked confirmation in the same form (no confirmation page). Parsed
 * into what `OrdersGateway.refund` takes, or a field error saying why.
 *
 * @module
 */
import type { MoneyJson, OrderJson, RefundJson } from "../api/order_json.ts";

/** The form's fields as posted (kept to show them again after an error). */
export interface RefundFormValues {
  /** The amount as typed. */
  amount: string;
  /** The reason as typed. */
  reason: string;
  /** Whether the confirmation box was ticked. */
  confirmed: boolean;
  /** The form's refund id (made when it was shown), so a second submit refunds nothing more. */
  key: string;
}

/** A valid refund request. */
export interface RefundRequestForm {
  /** In minor units, the order's currency. */
  amount: MoneyJson;
  /** 1..200 characters. */
  reason: string;
  /** The form's refund id ("" when the post had none, or not a well-formed one). */
  key: string;
}

/** A form field and why it is wrong. */
export interface FieldError {
  /** `amount`, `reason` or `confirm` (the form's field names). */
  field: "amount" | "reason" | "confirm" | "text";
  /** Why, in a sentence. */
  message: string;
}

/** The number of minor-unit digits of `currency` (EUR 2, JPY 0). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * What is left to refund of `order`: its total less every refund asked for, in minor units; the
 * refund `resuming` (one in flight that this submit finishes) is not subtracted.
 */
export function refundableOf(order: Pick<OrderJson, "total" | "refunds" | "status">, resuming = ""): number {
  if (order.status === "refunded") return 0;
  const asked = (order.refunds ?? []).filter((r) => r.id !== resuming || r.providerRefundId !== "")
    .reduce((n, r) => n + r.amount.amount, 0);
  return Math.max(0, order.total.amount - asked);
}

/** The refund of `order` still in flight (asked for, not confirmed by payments yet), if any. */
export function pendingRefund(order: Pick<OrderJson, "refunds">): RefundJson | undefined {
  return (order.refunds ?? []).find((r) => r.providerRefundId === "");
}

/** Minor units as the form shows them, e.g. 550 EUR -> "5.50". */
export function formatMinor(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  return digits === 0 ? String(amount) : (amount / 10 ** digits).toFixed(digits);
}

/**
 * Parses an amount typed in major units ("5", "5.5", "5,50") into minor units of `currency`, or null
 * when it is not a plain positive number with at most the currency's decimals.
 */
export function parseMajor(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const m = /^(\d{1,9})(?:[.,](\d+))?$/.exec(text.trim());
  if (!m) return null;
  const fraction = m[2] ?? "";
  if (fraction.length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
}

/** The posted form's values. */
export function refundValues(form: URLSearchParams | null): RefundFormValues {
  return {
    amount: form?.get("amount") ?? "",
    reason: form?.get("reason") ?? "",
    confirmed: form?.get("confirm") === "yes",
    key: form?.get("refund_key") ?? "",
  };
}

const KEY = /^[A-Za-z0-9_-]{1,64}$/;

/** A new refund id for a form being shown. */
export function newRefundKey(): string {
  return crypto.randomUUID();
}

/**
 * Checks the refund form against `order`: the amount (positive, at most what is left), a reason of 1
 * to 200 characters, and the ticked confirmation. The orders service checks again (a race gives the
 * same kind of answer).
 */
export function parseRefundForm(
  values: RefundFormValues,
  order: Pick<OrderJson, "total" | "refunds" | "status">,
): { ok: true; request: RefundRequestForm } | { ok: false; error: FieldError } {
  const currency = order.total.currency;
  const left = refundableOf(order, values.key);
  const amount = parseMajor(values.amount, currency);
  if (amount === null || amount <= 0) {
    return {
      ok: false,
      error: {
        field: "amount",
        message: `Enter the amount to refund as a number, e.g. ${formatMinor(left || 100, currency)}`,
      },
    };
  }
  if (amount > left) {
    return {
      ok: false,
      error: {
        field: "amount",
        message: `At most ${formatMinor(left, currency)} ${currency} is left to refund, not ${
          formatMinor(amount, currency)
        }`,
      },
    };
  }
  const reason = values.reason.trim();
  const length = [...reason].length;
  if (length === 0 || length > 200) {
    return {
      ok: false,
      error: {
        field: "reason",
        message: length === 0
          ? "Say why you refund (the customer's complaint, a missing item, …)"
          : `Keep the reason to 200 characters (it has ${length})`,
      },
    };
  }
  if (!values.confirmed) {
    return {
      ok: false,
      error: { field: "confirm", message: "Tick the box to confirm: the money goes back to the customer" },
    };
  }
  return {
    ok: true,
    request: { amount: { amount, currency }, reason, key: KEY.test(values.key) ? values.key : "" },
  };
}
