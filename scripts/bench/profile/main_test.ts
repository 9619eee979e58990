import assert from "node:assert/strict";
import { main, profileFolderName } from "./main.ts";

Deno.test("a profile run's folder is named by its UTC time and commit", () => {
  assert.equal(
    profileFolderName(new Date("2026-01-02T03:04:05.678Z"), "abc1234"),
    "2026-01-02T03-04-05Z_abc1234",
  );
});

Deno.test("bench:profile rejects an unknown flag with exit code 2", async () => {
  assert.equal(await main(["--nope"]), 2);
});
