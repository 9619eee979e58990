/**
 * `/admin/system/flags` (owners only: the path is in no section of `admin/permissions.ts`, so the admin
 * guard lets owners alone in): every failure flag with what it does and its value now, and a form per
 * flag to set it, plus one to turn every flag off. Each form posts `action` (`set` with `flag` and
 * `value`, or `all-off`) with the CSRF token, like every admin form. The values live in the flag file
 * (`OMS_FLAGS_FILE`, default `<DATA_DIR>/flags.json`), written with `writeFlags`; every process reads it
 * within about a second (in compose, flagd serves the same file).
 *
 * When the file cannot be used, the values the processes keep (their last good ones) are not known
 * here, so the page shows them as "unknown", not "off"; setting one flag is refused (the file is left
 * as it is), and "Turn every flag off" moves the bad file aside (`<file>.bad-<time>`) and writes a fresh
 * one with every flag off (`turnAllFlagsOff`).
 *
 * @module
 */
import { seeOther } from "../../../admin/http.ts";
import { doneText, type FlagsAction, parseFlagsAction, showValue } from "../../../admin/flags_form.ts";
import type { AdminState } from "../../../admin/state.ts";
import { Csrf } from "../../../components/admin/Csrf.tsx";
import type { Handlers, PageProps } from "../../../framework/types.ts";
import { flagsFilePath } from "../../../../services/common/flags/config.ts";
import {
  FLAG_KEYS,
  FlagFileError,
  type FlagValues,
  MAX_FLAG_MS,
  readFlags,
  turnAllFlagsOff,
  writeFlags,
} from "../../../../services/common/flags/flag_file.ts";
import { type FlagKey, FLAGS } from "../../../../services/common/flags/keys.ts";

/** What the page shows. */
export interface FlagsData {
  /** The file's path. */
  path: string;
  /** Every flag's value now (meaningless when `problem` is set: the values are then unknown). */
  values: FlagValues;
  /** Why the file cannot be used, or "". */
  problem: string;
  /** A refused form's message, or "". */
  error: string;
}

const TITLE = "Admin · Failure flags";

async function load(path: string, error = ""): Promise<FlagsData> {
  const state = await readFlags(path);
  return { path, values: state.values, problem: state.problem ?? "", error };
}

/** Writes `action`; resolves with where an unusable file was moved aside (all-off only). */
async function write(path: string, action: FlagsAction): Promise<string | undefined> {
  if (action.kind === "all-off") return (await turnAllFlagsOff(path)).movedAside;
  await writeFlags(path, { [action.flag]: action.value });
  return undefined;
}

/** The flags and their forms. */
export const handler: Handlers<FlagsData, AdminState> = {
  async GET(ctx) {
    ctx.state.title = TITLE;
    return await ctx.render(await load(ctx.deps.flagsFile ?? flagsFilePath()));
  },
  async POST(ctx) {
    ctx.state.title = TITLE;
    const path = ctx.deps.flagsFile ?? flagsFilePath();
    const action = parseFlagsAction(ctx.state.form!);
    let error: string;
    if (typeof action === "string") error = action;
    else {
      try {
        const movedAside = await write(path, action);
        ctx.deps.log.warn("failure flags set", {
          by: ctx.state.staff?.name,
          ...(action.kind === "set" ? { flag: action.flag, value: action.value } : { flags: "all off" }),
          ...(movedAside ? { movedAside } : {}),
        });
        const text = doneText(action) +
          (movedAside ? ` The unusable flag file was moved aside to ${movedAside}.` : "");
        ctx.deps.admin!.sessions.flash(ctx.state.session!, { kind: "success", text });
        return seeOther("/admin/system/flags");
      } catch (err) {
        if (!(err instanceof FlagFileError)) throw err;
        error = err.message;
      }
    }
    return await ctx.render(await load(path, error), { status: 422 });
  },
};

function ValueInput({ flag, value }: { flag: FlagKey; value: number | boolean }) {
  const id = `value-${flag}`;
  const spec = FLAGS[flag];
  if (spec.kind === "boolean") {
    return (
      <>
        <label for={id} class="sr-only">{flag}</label>
        <select id={id} name="value">
          <option value="off" selected={value !== true}>off</option>
          <option value="on" selected={value === true}>on</option>
        </select>
      </>
    );
  }
  const rate = spec.kind === "rate";
  return (
    <>
      <label for={id} class="sr-only">{flag} ({rate ? "share from 0 to 1" : "milliseconds"})</label>
      <input
        id={id}
        name="value"
        type="number"
        min="0"
        max={rate ? "1" : String(MAX_FLAG_MS)}
        step={rate ? "0.01" : "1"}
        value={String(value)}
        required
      />
      <span class="muted">{rate ? "0 to 1" : "ms"}</span>
    </>
  );
}

/** The failure flags page. */
export default function Flags({ data, state }: PageProps<FlagsData, AdminState>) {
  return (
    <div class="flags-page">
      <h1>Failure flags</h1>
      <p class="muted">
        Make OMS fail on purpose, to rehearse what operators and customers see. Every process reads these
        values within a second or so. Declined payments cancel their orders; everything else is retried.
      </p>
      {data.problem && (
        <p class="alert error" role="alert" data-testid="file-problem">
          The flag file cannot be used; the services keep their last good values, unknown here:{" "}
          {data.problem}. "Turn every flag off" moves it aside and writes a fresh file with every flag off.
        </p>
      )}
      {data.error && <p class="alert error" role="alert" data-testid="action-error">{data.error}</p>}
      <div class="table-scroll" role="region" aria-label="Failure flags" tabIndex={0}>
        <table class="admin-table cards">
          <thead>
            <tr>
              <th scope="col">Flag</th>
              <th scope="col">What it does</th>
              <th scope="col">Now</th>
              <th scope="col">Set</th>
            </tr>
          </thead>
          <tbody>
            {FLAG_KEYS.map((flag) => {
              const unknown = data.problem !== "";
              const value = unknown ? FLAGS[flag].off : data.values[flag];
              const on = value !== FLAGS[flag].off;
              return (
                <tr
                  key={flag}
                  data-testid="flag-row"
                  data-flag={flag}
                  data-value={unknown ? "unknown" : String(value)}
                >
                  <th scope="row">
                    <code>{flag}</code>
                  </th>
                  <td data-label="What it does">{FLAGS[flag].description}</td>
                  <td data-label="Now">
                    {unknown
                      ? <span class="muted" data-testid="flag-value">unknown</span>
                      : on
                      ? <strong data-testid="flag-value">{showValue(flag, value)}</strong>
                      : <span class="muted" data-testid="flag-value">off</span>}
                  </td>
                  <td data-label="Set">
                    <form method="post" action="/admin/system/flags" class="restock" data-busy="Saving…">
                      <Csrf token={state.csrf} />
                      <input type="hidden" name="action" value="set" />
                      <input type="hidden" name="flag" value={flag} />
                      <ValueInput flag={flag} value={value} />
                      <button type="submit" class="button">
                        Set<span class="sr-only">{flag}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <form method="post" action="/admin/system/flags" data-busy="Saving…">
        <Csrf token={state.csrf} />
        <input type="hidden" name="action" value="all-off" />
        <button type="submit" class="button">Turn every flag off</button>
      </form>
      <p class="muted">
        File: <code data-testid="flags-file">{data.path}</code>{" "}
        (<code>OMS_FLAGS_FILE</code>; in compose, flagd serves it to the services).
      </p>
    </div>
  );
}
