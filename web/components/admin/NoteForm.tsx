/**
 * The note form of the admin order page: a text of up to 1000 characters, internal (staff only, the
 * default) or visible to the customer on their order page.
 *
 * @module
 */
import type { FieldError } from "../../admin/refund_form.ts";
import { Csrf } from "./Csrf.tsx";

/** Props of {@linkcode NoteForm}. */
export interface NoteFormProps {
  orderId: string;
  csrf: string;
  /** The text posted last (shown again after an error). */
  text?: string | undefined;
  /** Whether the last post asked for a customer-visible note. */
  visible?: boolean | undefined;
  /** The error of the last submit. */
  error?: FieldError | undefined;
}

/** The form. */
export function NoteForm({ orderId, csrf, text, visible, error }: NoteFormProps) {
  const bad = error?.field === "text";
  return (
    <section aria-labelledby="note-title" class="admin-panel" id="note">
      <h2 id="note-title">Add a note</h2>
      <form
        method="post"
        action={`/admin/orders/${orderId}#note`}
        class="note-form"
        data-testid="note-form"
        data-busy="Saving…"
      >
        <Csrf token={csrf} />
        <input type="hidden" name="action" value="note" />
        <div class="field">
          <label for="note-text">Note</label>
          <textarea
            id="note-text"
            name="text"
            rows={3}
            maxLength={1000}
            required
            aria-invalid={bad ? "true" : undefined}
            aria-describedby={bad ? "note-text-error" : undefined}
          >
            {text ?? ""}
          </textarea>
          {bad && <p class="field-error" id="note-text-error" data-testid="error-text">{error.message}</p>}
        </div>
        <fieldset class="field choice">
          <legend>Who sees it</legend>
          <label>
            <input type="radio" name="visibility" value="internal" checked={!visible} /> Staff only (internal)
          </label>
          <label>
            <input type="radio" name="visibility" value="customer" checked={visible === true} />{" "}
            The customer too, on their order page
          </label>
        </fieldset>
        <button type="submit" class="button primary">Add note</button>
      </form>
    </section>
  );
}
