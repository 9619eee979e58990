import assert from "node:assert/strict";
import { readMove } from "./kitchen_moves.ts";

const form = (o: Record<string, string>) => new URLSearchParams(o);

Deno.test("readMove checks every field and comes back to the screen the form was on", () => {
  assert.deepEqual(
    readMove(form({ orderId: " o-1 ", action: "undo", station: "oven", screen: "oven", display: "1" })),
    {
      move: "undo",
      orderId: "o-1",
      station: "oven",
      back: "/admin/kitchen/station/oven?display=1",
    },
  );
  assert.deepEqual(readMove(form({ orderId: "o-1", action: "recall" })), {
    move: "recall",
    orderId: "o-1",
    station: "",
    back: "/admin/kitchen",
  });
  assert.deepEqual(readMove(form({ orderId: "", action: "start" })), { error: "Choose a ticket to move." });
  assert.deepEqual(readMove(form({ orderId: "x".repeat(65), action: "start" })), {
    error: "Choose a ticket to move.",
  });
  assert.deepEqual(readMove(form({ orderId: "o-1", action: "delete" })), {
    error: 'Unknown action "delete".',
  });
  assert.deepEqual(readMove(form({ orderId: "o-1", action: "start", station: "s".repeat(65) })), {
    error: "Unknown station.",
  });
  assert.deepEqual(readMove(form({ orderId: "o-1", action: "start", station: "oven\u0000" })), {
    error: "Unknown station.",
  });
  assert.deepEqual(readMove(form({ orderId: "o-1", action: "handover", station: "oven" })), {
    error: "Hand-over is for the whole order.",
  });
  const sneaky = readMove(form({ orderId: "o-1", action: "start", screen: "x\u0001y" }));
  assert.ok(
    !("error" in sneaky) && sneaky.back === "/admin/kitchen",
    "a bad screen never becomes a redirect",
  );
  const odd = readMove(form({ orderId: "o-1", action: "start", screen: "../orders" }));
  assert.ok(
    !("error" in odd) && odd.back === "/admin/kitchen/station/..%2Forders",
    "encoded, stays under the kitchen",
  );
});
