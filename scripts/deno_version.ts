/**
 * The Deno version OMS is pinned to (README, `.ci/run`), and a warning when another one runs it.
 *
 * @module
 */

/** The pinned Deno version. */
export const PINNED_DENO = "2.9.6";

/** A warning line when `running` is not the pinned version, else undefined. */
export function versionWarning(running: string = Deno.version.deno): string | undefined {
  return running === PINNED_DENO
    ? undefined
    : `warning: OMS is pinned to Deno ${PINNED_DENO} but this is Deno ${running}; ` +
      `if something misbehaves, run with npx -y deno@${PINNED_DENO} task ...`;
}
