/**
 * A reader of server-sent events (the `text/event-stream` format): {@linkcode readSse} turns a response
 * body into its events as the gateway's live views send them (`event: order` + `data: {json}`).
 * Comments (`: keep-alive`), `retry:` and `id:` lines are skipped; `data:` lines of one event are
 * joined with newlines; an event without data is not dispatched, as in a browser.
 *
 * @module
 */

/** One dispatched event. */
export interface SseEvent {
  /** Its `event:` name (`message` when none was given). */
  event: string;
  /** Its data, the `data:` lines joined with `\n`. */
  data: string;
}

/** The events of `body` as they arrive; ends with the body. Stopping early cancels the body. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let at;
      while ((at = buffer.search(/\r\n|\r|\n/)) !== -1) {
        // a lone \r at the end may be the first half of \r\n: wait for more
        if (buffer[at] === "\r" && at === buffer.length - 1) break;
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + (buffer.startsWith("\r\n", at) ? 2 : 1));
        if (line === "") {
          if (data.length > 0) yield { event: event || "message", data: data.join("\n") };
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const raw = colon === -1 ? "" : line.slice(colon + 1);
        const text = raw.startsWith(" ") ? raw.slice(1) : raw;
        if (field === "event") event = text;
        else if (field === "data") data.push(text);
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
