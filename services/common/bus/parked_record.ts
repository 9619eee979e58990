/**
 * Builds the dead-letter record of a message so that storing it can never fail on size: Deno KV refuses
 * values over 64 KiB, and a message body can be megabytes. Every field is bounded by UTF-8 bytes; a body
 * over the payload limit keeps its start (cut at a character boundary) followed by a visible marker,
 * and the record keeps the original size in bytes and the SHA-256 of the whole body.
 *
 * The bounds hold for the serialized value, not just the UTF-8 form: V8 stores a string with any
 * character above U+00FF as UTF-16 (2 bytes per code unit), and a string never has more UTF-16 code
 * units than UTF-8 bytes, so a field of B UTF-8 bytes takes at most 2·B bytes in KV.
 *
 * @module
 */
import type { DeadLetterRecord } from "./types.ts";
import type { WireMessage } from "./transport.ts";

/** The most UTF-8 bytes of a body a record keeps (the marker included). */
export const MAX_PARKED_PAYLOAD_BYTES = 24 * 1024;
/** The most UTF-8 bytes of a parking reason. */
export const MAX_REASON_BYTES = 2048;
/** The most UTF-8 bytes of the message id and routing key kept (AMQP caps both at 255). */
export const MAX_NAME_BYTES = 255;
/** The longest message id used as the record id; a longer one is replaced by its hash. */
export const MAX_RECORD_ID_LENGTH = 128;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

/** `text` cut to at most `maxBytes` UTF-8 bytes at a character boundary, and whether it was cut. */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  // a string of n UTF-16 code units is at most 3n UTF-8 bytes: short ones need no encoding
  if (text.length * 3 <= maxBytes) return { text, truncated: false };
  const bytes = encoder.encode(text);
  if (bytes.byteLength <= maxBytes) return { text, truncated: false };
  return { text: decoder.decode(bytes.subarray(0, boundary(bytes, maxBytes))), truncated: true };
}

/** The largest cut <= `max` that does not split a UTF-8 sequence of `bytes`. */
function boundary(bytes: Uint8Array, max: number): number {
  let cut = Math.min(max, bytes.byteLength);
  // a continuation byte (0b10xxxxxx) at the cut belongs to the character before it
  while (cut > 0 && cut < bytes.byteLength && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return cut;
}

/** Lowercase hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The payload text of `body`: the whole body when it fits in `maxBytes` UTF-8 bytes (non-UTF-8 bytes
 * replaced), else its start followed by `…[truncated: <size> bytes in all, sha256 <hash>]`, the whole
 * within `maxBytes`.
 */
export function payloadText(
  body: Uint8Array,
  sha256: string,
  maxBytes = MAX_PARKED_PAYLOAD_BYTES,
): { payload: string; truncated: boolean } {
  // decode a little more than can be kept: U+FFFD replacements may make the text longer in UTF-8
  const head = decoder.decode(body.subarray(0, boundary(body, maxBytes + 4)));
  const whole = body.byteLength <= maxBytes + 4 ? truncateUtf8(head, maxBytes) : undefined;
  if (whole && !whole.truncated) return { payload: whole.text, truncated: false };
  const marker = `\n…[truncated: ${body.byteLength} bytes in all, sha256 ${sha256}]`;
  const kept = truncateUtf8(head, maxBytes - encoder.encode(marker).byteLength).text;
  return { payload: kept + marker, truncated: true };
}

/** The record id of a message: its id when short and plain, else `msg-<sha256 of the id>` ("" → a new one). */
export async function recordId(messageId: string): Promise<string> {
  if (!messageId) return `nomsgid-${crypto.randomUUID()}`;
  // deno-lint-ignore no-control-regex
  if (messageId.length <= MAX_RECORD_ID_LENGTH && !/[\u0000-\u001f\u007f]/.test(messageId)) return messageId;
  return `msg-${(await sha256Hex(encoder.encode(messageId))).slice(0, 40)}`;
}

/** The bounded dead-letter record of `message` parked by `service` for `reason`. */
export async function parkedRecord(
  service: string,
  message: WireMessage,
  reason: string,
  parkedAt = new Date(),
): Promise<DeadLetterRecord> {
  const sha256 = await sha256Hex(message.body);
  const { payload, truncated } = payloadText(message.body, sha256);
  const traceparent = message.traceparent && message.traceparent.length <= 128 ? message.traceparent : "";
  return {
    id: await recordId(message.id),
    messageId: truncateUtf8(message.id, MAX_NAME_BYTES).text,
    routingKey: truncateUtf8(message.routingKey, MAX_NAME_BYTES).text,
    payload,
    reason: bounded(reason, MAX_REASON_BYTES),
    attempts: message.attempt,
    parkedAt,
    service: truncateUtf8(service, MAX_NAME_BYTES).text,
    sizeBytes: message.body.byteLength,
    sha256,
    truncated,
    ...(traceparent ? { traceparent } : {}),
    // who stated it (owner.ts): a replay is checked against the routing key's owner again
    ...(message.userId ? { userId: truncateUtf8(message.userId, MAX_NAME_BYTES).text } : {}),
  };
}

/** `text` within `maxBytes`, ending with "…" when cut. */
function bounded(text: string, maxBytes: number): string {
  const cut = truncateUtf8(text, maxBytes - 3);
  return cut.truncated ? `${cut.text}…` : text;
}
