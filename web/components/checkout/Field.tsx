/**
 * One labelled form field with an optional hint and its error right below it: the control gets
 * `aria-invalid` and `aria-describedby` naming the hint and the error, so screen readers read both.
 *
 * @module
 */
import type { ComponentChildren } from "preact";

/** What the control inside a {@linkcode Field} must carry. */
export interface ControlProps {
  /** The control's id (the label points at it). */
  id: string;
  /** `aria-describedby`: the hint's and the error's ids, if any. */
  "aria-describedby"?: string;
  /** `aria-invalid` when there is an error. */
  "aria-invalid"?: "true";
}

/** Props of {@linkcode Field}. */
export interface FieldProps {
  /** Control id. */
  id: string;
  /** Label text. */
  label: string;
  /** Help shown under the label, if any. */
  hint?: string;
  /** The error to show, if any. */
  error?: string;
  /** Renders the control with the accessibility props. */
  children: (control: ControlProps) => ComponentChildren;
}

/** The field. */
export function Field({ id, label, hint, error, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : "";
  const errorId = error ? `${id}-error` : "";
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  return (
    <div class={`field${error ? " invalid" : ""}`}>
      <label for={id}>{label}</label>
      {hint && <p class="field-hint" id={hintId}>{hint}</p>}
      {children({
        id,
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        ...(error ? { "aria-invalid": "true" as const } : {}),
      })}
      {error && <p class="field-error" id={errorId} data-testid={`${id}-error`}>{error}</p>}
    </div>
  );
}
