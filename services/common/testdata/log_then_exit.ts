/** Test fixture: logs two info lines, then ends the way `Deno.args[0]` says ("exit" or "end"). */
import { createLogger } from "../log.ts";

const log = createLogger("fixture", "info");
log.info("first", { n: 1 });
log.info("second", { n: 2 });
if (Deno.args[0] === "exit") Deno.exit(3);
