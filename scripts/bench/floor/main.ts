/**
 * The floor as its own process (so its in-process CPU counts nothing else, and the gRPC pair it leaves
 * open dies with it): `deno run -A scripts/bench/floor/main.ts <amqpUrl> <brokerPid> <planJSON>`.
 * Progress lines on stderr, the {@linkcode import("./floor.ts").Floor} as JSON on stdout.
 *
 * @module
 */
import { type FloorPlan, measureFloor } from "./floor.ts";

if (import.meta.main) {
  const [url, pid, ops] = Deno.args;
  if (!url || !pid || !ops) {
    console.error("usage: floor/main.ts <amqpUrl> <brokerPid> <planJSON>");
    Deno.exit(2);
  }
  const floor = await measureFloor(url, Number(pid), JSON.parse(ops) as FloorPlan, (l) => console.error(l));
  console.log(JSON.stringify(floor));
  Deno.exit(0);
}
