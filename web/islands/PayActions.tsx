/**
 * The local provider's three choices: Pay, Decline, Let it expire. Without JavaScript the form posts
 * to `POST /pay/{sessionId}` (with the customer's form token), which redirects to the order page. With it, the island posts
 * `{"outcome"}` to `POST /api/payments/local/{sessionId}`, shows which action is running (the buttons
 * are disabled meanwhile) or why it failed, and then goes to the order page.
 *
 * @module
 */
import { useState } from "preact/hooks";

/** Props of {@linkcode PayActions}. */
export interface PayActionsProps {
  /** The checkout session. */
  sessionId: string;
  /** The order it pays for (where the customer goes next). */
  orderId: string;
  /** The customer's form token, for the plain form. */
  csrf?: string;
}

type Outcome = "pay" | "decline" | "expire";

const BUSY: Record<Outcome, string> = {
  pay: "Paying…",
  decline: "Declining…",
  expire: "Letting it expire…",
};

/** The pay form. */
export default function PayActions({ sessionId, orderId, csrf = "" }: PayActionsProps) {
  const [busy, setBusy] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(outcome: Outcome) {
    if (busy) return;
    setBusy(outcome);
    setError(null);
    try {
      const res = await fetch(`/api/payments/local/${encodeURIComponent(sessionId)}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ outcome }),
      });
      if (res.ok) {
        location.assign(`/orders/${encodeURIComponent(orderId)}`);
        return;
      }
      const body = await res.json().catch(() => null) as { error?: { message?: string } } | null;
      setError(body?.error?.message ?? `The payment could not be completed (HTTP ${res.status}).`);
    } catch {
      setError("Could not reach the shop. Check your connection and try again.");
    }
    setBusy(null);
  }

  const button = (outcome: Outcome, label: string, cls: string) => (
    <button
      type="submit"
      name="outcome"
      value={outcome}
      class={`button ${cls}`}
      disabled={busy !== null}
      aria-busy={busy === outcome}
      onClick={(e) => {
        e.preventDefault();
        act(outcome);
      }}
    >
      {busy === outcome ? BUSY[outcome] : label}
    </button>
  );

  return (
    <form method="post" action={`/pay/${encodeURIComponent(sessionId)}`} class="pay-actions">
      <input type="hidden" name="_csrf" value={csrf} />
      <div class="actions">
        {button("pay", "Pay", "primary")}
        {button("decline", "Decline", "danger")}
        {button("expire", "Let it expire", "secondary")}
      </div>
      {error && <p class="alert error" role="alert" data-testid="pay-error">{error}</p>}
    </form>
  );
}
