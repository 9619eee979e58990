/**
 * Busy state for every admin form, without inline scripts: on submit, the form is marked
 * `aria-busy`, its submit button shows the form's `data-busy` text (or "Working…") and further
 * submits of that form are ignored until the next page, so a double click sends one request. The page
 * that comes back shows the result (flash message or error). If the browser restores the page from its
 * back/forward cache, the forms are reset.
 *
 * Renders only a polite live region that announces the busy text to screen readers.
 *
 * @module
 */
/// <reference lib="dom" />
import { useEffect, useState } from "preact/hooks";

/** The submit watcher. */
export default function AdminBusy() {
  const [message, setMessage] = useState("");
  useEffect(() => {
    const onSubmit = (e: Event) => {
      const form = e.target as HTMLFormElement;
      if (!(form instanceof HTMLFormElement) || e.defaultPrevented) return;
      if (form.dataset.submitting === "1") {
        e.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
      form.setAttribute("aria-busy", "true");
      const text = form.dataset.busy ?? "Working…";
      const button = (e as SubmitEvent).submitter ??
        form.querySelector("button[type=submit], button:not([type])");
      if (button instanceof HTMLButtonElement) {
        button.dataset.label = button.textContent ?? "";
        button.setAttribute("aria-disabled", "true");
        button.classList.add("is-busy");
        // Changed after the submission's form data is built, so the button's own value is still sent.
        setTimeout(() => {
          button.textContent = text;
        }, 0);
      }
      setMessage(text);
    };
    const onShow = (e: PageTransitionEvent) => {
      if (!e.persisted) return;
      for (const form of document.querySelectorAll<HTMLFormElement>("form[data-submitting]")) {
        delete form.dataset.submitting;
        form.removeAttribute("aria-busy");
        for (const b of form.querySelectorAll<HTMLButtonElement>("button.is-busy")) {
          b.textContent = b.dataset.label ?? b.textContent;
          b.removeAttribute("aria-disabled");
          b.classList.remove("is-busy");
        }
      }
      setMessage("");
    };
    document.addEventListener("submit", onSubmit);
    addEventListener("pageshow", onShow);
    return () => {
      document.removeEventListener("submit", onSubmit);
      removeEventListener("pageshow", onShow);
    };
  }, []);
  return <p class="sr-only" aria-live="polite" data-testid="busy-status">{message}</p>;
}
