/**
 * `/admin/dead-letters`: the messages each consuming service (orders, stock, payments, kitchen) has
 * parked, with reason, attempts, time (in the shop's zone) and an escaped, truncated payload preview; "Replay" sends one
 * back to its service's queue and "Discard" deletes it (`POST` with `service`, `id`, `action`). A
 * service that does not answer shows an error in its own section; the others still list.
 *
 * @module
 */
import type { PeerName } from "../../api/deps.ts";
import { toApiError } from "../../api/errors.ts";
import { isConsumer } from "../../gateway/dead_letters.ts";
import { gatewayFor } from "../../gateway/mod.ts";
import { type DeadLetterGroup, loadDeadLetters } from "../../admin/data.ts";
import { seeOther } from "../../admin/http.ts";
import type { AdminState } from "../../admin/state.ts";
import { payloadPreview } from "../../admin/view.ts";
import { Csrf } from "../../components/admin/Csrf.tsx";
import { LocalTime } from "../../components/LocalTime.tsx";
import type { Handlers, PageProps } from "../../framework/types.ts";

/** What the page shows. */
export interface DeadLettersData {
  /** One group per service. */
  groups: DeadLetterGroup[];
  /** An error from an action just tried, or "". */
  error: string;
}

const TITLES: Record<PeerName, string> = {
  orders: "Orders",
  stock: "Stock",
  payments: "Payments",
  kitchen: "Kitchen",
};

/** Lists, replays and discards. */
export const handler: Handlers<DeadLettersData, AdminState> = {
  async GET(ctx) {
    ctx.state.title = "Admin · Dead letters";
    return await ctx.render({
      groups: await loadDeadLetters(gatewayFor(ctx.hono, ctx.deps), ctx.deps.log),
      error: "",
    });
  },
  async POST(ctx) {
    ctx.state.title = "Admin · Dead letters";
    const gw = gatewayFor(ctx.hono, ctx.deps);
    const form = ctx.state.form!;
    const service = form.get("service") ?? "";
    const id = form.get("id") ?? "";
    const action = form.get("action") ?? "";
    let error = "";
    let status = 200;
    if (!isConsumer(service)) {
      error = `Unknown service "${service.slice(0, 32)}". Nothing was changed.`;
      status = 422;
    } else if (action !== "replay" && action !== "discard") {
      error = `Unknown action "${action.slice(0, 32)}". Nothing was changed.`;
      status = 422;
    } else if (!id || id.length > 200) {
      error = "Choose a message. Nothing was changed.";
      status = 422;
    } else {
      const peer: PeerName = service;
      try {
        if (action === "replay") await gw.deadLetters.replay(peer, id);
        else await gw.deadLetters.discard(peer, id);
        ctx.deps.log.info("admin dead letter", { service, id, action });
        ctx.deps.admin!.sessions.flash(ctx.state.session!, {
          kind: "success",
          text: action === "replay"
            ? `Replayed message ${id} to ${service}.`
            : `Discarded message ${id} of ${service}.`,
        });
        return seeOther("/admin/dead-letters");
      } catch (err) {
        const e = toApiError(err, peer);
        error = `Could not ${action} message ${id}: ${e.message}`;
        status = e.status;
      }
    }
    return await ctx.render({ groups: await loadDeadLetters(gw, ctx.deps.log), error }, { status });
  },
};

/** The dead-letters page. */
export default function DeadLetters({ data, state }: PageProps<DeadLettersData, AdminState>) {
  const total = data.groups.reduce((n, g) => n + g.letters.length, 0);
  const more = data.groups.some((g) => g.more);
  return (
    <div class="dead-letters">
      <h1>Dead letters</h1>
      <p class="muted">
        Messages a service could not process after its retries, or could not read at all. Replay sends one
        back to its service's queue; discard deletes it.
      </p>
      {data.error && <p class="alert error" role="alert" data-testid="action-error">{data.error}</p>}
      <p data-testid="dead-letter-total">
        {total === 0
          ? "No parked messages."
          : `${more ? "More than " : ""}${total} parked ${total === 1 ? "message" : "messages"}.`}
      </p>
      {data.groups.map((g) => (
        <section
          class="admin-panel"
          aria-labelledby={`dl-${g.service}`}
          data-testid="dead-letter-group"
          data-service={g.service}
        >
          <h2 id={`dl-${g.service}`}>
            {TITLES[g.service]} <span class="column-count">{g.letters.length}{g.more ? "+" : ""}</span>
          </h2>
          {g.error && <p class="alert error" role="alert">{g.error}</p>}
          {!g.error && g.letters.length === 0 && <p class="muted">Nothing parked.</p>}
          {g.more && (
            <p class="muted" data-testid="dead-letter-more">
              More messages are parked than listed here (the oldest {g.letters.length}{" "}
              are shown); discard or replay some to see the rest.
            </p>
          )}
          <ul class="letters">
            {g.letters.map((d) => {
              const preview = payloadPreview(d.payload);
              return (
                <li class="letter" data-testid="dead-letter" data-id={d.id} data-service={g.service}>
                  <dl class="facts">
                    <div>
                      <dt>Routing key</dt>
                      <dd>
                        <code>{d.routingKey || "—"}</code>
                      </dd>
                    </div>
                    <div>
                      <dt>Message</dt>
                      <dd>
                        <code>{d.messageId || d.id}</code>
                      </dd>
                    </div>
                    <div>
                      <dt>Attempts</dt>
                      <dd data-testid="attempts">{d.attempts}</dd>
                    </div>
                    <div>
                      <dt>Parked</dt>
                      <dd data-testid="parked-at">
                        <LocalTime at={d.parkedAt} zone={state.shop} />
                      </dd>
                    </div>
                  </dl>
                  <p class="reason">
                    <strong>Reason:</strong> <span data-testid="reason">{d.reason}</span>
                  </p>
                  <pre class="payload" data-testid="payload" tabIndex={0}><code>{preview.text}</code></pre>
                  {preview.truncated && <p class="muted small">Preview cut at 400 characters.</p>}
                  {d.truncated && (
                    <p class="muted small" data-testid="payload-truncated">
                      The body was {d.sizeBytes} bytes; only its start was kept, so it cannot be replayed.
                    </p>
                  )}
                  <div class="actions">
                    <form method="post" action="/admin/dead-letters" data-busy="Replaying…">
                      <Csrf token={state.csrf} />
                      <input type="hidden" name="service" value={g.service} />
                      <input type="hidden" name="id" value={d.id} />
                      <input type="hidden" name="action" value="replay" />
                      <button type="submit" class="button primary">Replay</button>
                    </form>
                    <form method="post" action="/admin/dead-letters" data-busy="Discarding…">
                      <Csrf token={state.csrf} />
                      <input type="hidden" name="service" value={g.service} />
                      <input type="hidden" name="id" value={d.id} />
                      <input type="hidden" name="action" value="discard" />
                      <button type="submit" class="button danger">Discard</button>
                    </form>
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
