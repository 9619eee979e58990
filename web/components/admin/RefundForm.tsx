/**
 * The refund form of the admin order page: the amount (prefilled with what is left), a reason, and a
 * confirmation box in the same form, so a refund takes one submit and no extra page. Shows the
 * refunds made so far. A field error from the last submit is shown next to its field.
 *
 * @module
 */
import type { OrderJson } from "../../api/order_json.ts";
import {
  type FieldError,
  formatMinor,
  newRefundKey,
  pendingRefund,
  refundableOf,
  type RefundFormValues,
} from "../../admin/refund_form.ts";
import { formatMoney } from "../../lib/money.ts";
import type { ShopConfig } from "../../shop.ts";
import { LocalTime } from "../LocalTime.tsx";
import { Csrf } from "./Csrf.tsx";

/** Props of {@linkcode RefundForm}. */
export interface RefundFormProps {
  order: OrderJson;
  csrf: string;
  shop: ShopConfig;
  /** The values posted last (shown again after an error). */
  values?: RefundFormValues | undefined;
  /** The error of the last submit. */
  error?: FieldError | undefined;
}

function FieldMessage({ id, error, field }: { id: string; error?: FieldError | undefined; field: string }) {
  if (error?.field !== field) return null;
  return <p class="field-error" id={id} data-testid={`error-${field}`}>{error.message}</p>;
}

/** The refunds made so far, and the form when the order may be refunded now. */
export function RefundForm({ order, csrf, shop, values, error }: RefundFormProps) {
  const currency = order.total.currency;
  const refunds = order.refunds ?? [];
  // a refund still in flight (its call died, or is running): the form finishes it, with its id
  const pending = pendingRefund(order);
  const shown: RefundFormValues | undefined = values ??
    (pending
      ? {
        amount: formatMinor(pending.amount.amount, currency),
        reason: pending.reason,
        confirmed: false,
        key: pending.id,
      }
      : undefined);
  const left = refundableOf(order, shown?.key ?? "");
  const open = order.allowedActions.includes("refund") && left > 0;
  const invalid = (field: string) => error?.field === field ? "true" : undefined;
  const described = (field: string) => error?.field === field ? `refund-${field}-error` : undefined;
  return (
    <section aria-labelledby="refund-title" class="admin-panel" id="refund">
      <h2 id="refund-title">Refunds</h2>
      <p data-testid="refund-summary">
        Paid {formatMoney(order.total, shop.locale)} · refunded{" "}
        {formatMoney(order.refunded ?? { amount: 0, currency }, shop.locale)} · left{" "}
        {formatMoney({ amount: left, currency }, shop.locale)}
      </p>
      {refunds.length > 0 && (
        <ul class="refund-list" data-testid="refund-list">
          {refunds.map((r) => (
            <li data-refund-id={r.id}>
              <strong>{formatMoney(r.amount, shop.locale)}</strong> · {r.reason || "—"} · {r.by || "—"} ·{" "}
              <LocalTime at={r.at} zone={shop} />
              {r.providerRefundId ? "" : " · in progress"}
            </li>
          ))}
        </ul>
      )}
      {open && (
        <form
          method="post"
          action={`/admin/orders/${order.id}#refund`}
          class="refund-form"
          data-testid="refund-form"
          data-busy="Refunding…"
        >
          <Csrf token={csrf} />
          <input type="hidden" name="action" value="refund" />
          <input type="hidden" name="refund_key" value={shown?.key || newRefundKey()} />
          {pending && shown?.key === pending.id && (
            <p class="alert info" data-testid="refund-pending">
              A refund of {formatMoney(pending.amount, shop.locale)} asked for at{" "}
              <LocalTime at={pending.at} zone={shop} />{" "}
              has not been confirmed yet. Submitting it again finishes it; the customer is refunded once.
            </p>
          )}
          <div class="field">
            <label for="refund-amount">Amount ({currency})</label>
            <input
              id="refund-amount"
              name="amount"
              inputMode="decimal"
              autoComplete="off"
              required
              value={shown?.amount ?? formatMinor(left, currency)}
              aria-invalid={invalid("amount")}
              aria-describedby={described("amount") ?? "refund-amount-hint"}
            />
            <p class="field-hint" id="refund-amount-hint">
              At most {formatMinor(left, currency)}; less for a part.
            </p>
            <FieldMessage id="refund-amount-error" error={error} field="amount" />
          </div>
          <div class="field">
            <label for="refund-reason">Reason</label>
            <input
              id="refund-reason"
              name="reason"
              maxLength={200}
              required
              value={shown?.reason ?? ""}
              aria-invalid={invalid("reason")}
              aria-describedby={described("reason")}
            />
            <FieldMessage id="refund-reason-error" error={error} field="reason" />
          </div>
          <div class="field check">
            <input
              type="checkbox"
              id="refund-confirm"
              name="confirm"
              value="yes"
              required
              aria-invalid={invalid("confirm")}
              aria-describedby={described("confirm")}
            />
            <label for="refund-confirm">Yes, give this money back to the customer now</label>
            <FieldMessage id="refund-confirm-error" error={error} field="confirm" />
          </div>
          <button type="submit" class="button danger">Refund</button>
        </form>
      )}
    </section>
  );
}
