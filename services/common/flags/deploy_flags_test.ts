import assert from "node:assert/strict";
import { allOff, parseFlagFile } from "./flag_file.ts";
import { FLAGS } from "./keys.ts";

Deno.test("deploy/flagd/flags.json (what compose's flagd starts with) defines every OMS flag, all off, in a form OMS accepts", async () => {
  const text = await Deno.readTextFile(new URL("../../../deploy/flagd/flags.json", import.meta.url));
  const { document, values } = parseFlagFile(text);
  assert.deepEqual(values, allOff());
  assert.deepEqual(Object.keys(document.flags).sort(), Object.keys(FLAGS).sort());
});
