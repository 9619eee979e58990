/**
 * Keeps the System page live without a client-side renderer: every `intervalMs`, while the tab is
 * visible and not paused, it fetches the page again and swaps in its `#system-live` part (the server
 * draws the charts). A Pause button stops it (WCAG 2.2.2); a failed or redirected fetch (the session
 * ended) stops it and says so. Without JavaScript the page shows a Refresh link instead.
 *
 * @module
 */
/// <reference lib="dom" />
import { useEffect, useState } from "preact/hooks";

/** Props of {@linkcode AdminSystemLive}. */
export interface AdminSystemLiveProps {
  /** Time between refreshes in ms. */
  intervalMs: number;
}

/** The live updater of `/admin/system`. */
export default function AdminSystemLive({ intervalMs }: AdminSystemLiveProps) {
  const [on, setOn] = useState(false);
  const [paused, setPaused] = useState(false);
  const [note, setNote] = useState("");
  useEffect(() => setOn(true), []);
  useEffect(() => {
    if (!on || paused) return;
    let timer: ReturnType<typeof setTimeout>;
    let stop = false;
    const tick = async () => {
      if (document.visibilityState === "visible") {
        try {
          const res = await fetch(location.href, { headers: { accept: "text/html" } });
          const fresh = res.ok && new URL(res.url).pathname === location.pathname &&
            new DOMParser().parseFromString(await res.text(), "text/html").getElementById("system-live");
          if (!fresh) throw new Error();
          if (stop) return;
          document.getElementById("system-live")?.replaceWith(fresh);
          setNote(`Updated ${new Date().toLocaleTimeString()}`);
        } catch {
          setNote("Live updates stopped. Reload the page.");
          return;
        }
      }
      if (!stop) timer = setTimeout(tick, intervalMs);
    };
    timer = setTimeout(tick, intervalMs);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [on, paused]);
  if (!on) {
    return (
      <p class="system-live" data-testid="system-live-control">
        <a href="/admin/system" class="button small">Refresh</a>
      </p>
    );
  }
  return (
    <p class="system-live" data-testid="system-live-control" data-live={paused ? "paused" : "on"}>
      <button type="button" class="button small" aria-pressed={paused} onClick={() => setPaused(!paused)}>
        {paused ? "Resume live updates" : "Pause live updates"}
      </button>{" "}
      <span class="muted small" data-testid="system-updated">{paused ? "Paused." : note}</span>
    </p>
  );
}
