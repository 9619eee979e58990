/**
 * One tap on a kitchen ticket: a POST form to `/admin/kitchen` with the CSRF token, the order, the
 * move, the station's part (on a station's screen), the screen to come back to and the display flag, so it works before the script loads
 * (redirect back with a flash) and is sent with `fetch` once it has.
 *
 * @module
 */
import type { KitchenMove } from "../../../admin/kitchen_view.ts";

/** Props of {@linkcode MoveForm}. */
export interface MoveFormProps {
  csrf: string;
  orderId: string;
  move: KitchenMove;
  /** The station's part to move; "" for the whole ticket. */
  station: string;
  /** The station screen the form is on ("" for the expediter), where a plain post comes back to. */
  screen: string;
  /** True in the full-screen layout (the redirect keeps it). */
  display: boolean;
  label: string;
  primary?: boolean;
  /** True while this ticket's move is being sent. */
  busy: boolean;
  onSubmit?: (e: Event) => void;
}

/** The form. */
export function MoveForm(p: MoveFormProps) {
  return (
    <form
      method="post"
      action="/admin/kitchen"
      class={`move move-${p.move}`}
      aria-busy={p.busy ? "true" : undefined}
      onSubmit={p.onSubmit}
    >
      <input type="hidden" name="_csrf" value={p.csrf} />
      <input type="hidden" name="orderId" value={p.orderId} />
      <input type="hidden" name="action" value={p.move} />
      {p.station && <input type="hidden" name="station" value={p.station} />}
      {p.screen && <input type="hidden" name="screen" value={p.screen} />}
      {p.display && <input type="hidden" name="display" value="1" />}
      <button
        type="submit"
        class={p.primary ? "button primary" : "button"}
        aria-disabled={p.busy ? "true" : undefined}
        data-testid={`move-${p.move}`}
      >
        {p.label}
      </button>
    </form>
  );
}
