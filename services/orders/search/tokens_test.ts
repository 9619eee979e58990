import assert from "node:assert/strict";
import { detailTokens, nameWords, normalize, phoneDigits, phoneMatches, phoneToken } from "./tokens.ts";

Deno.test("names are split into lower-case words without accents, longest first", () => {
  assert.equal(normalize("Émile Zoë"), "emile zoe");
  assert.deepEqual(nameWords("Ada  Lovelace-Byron"), ["lovelace", "byron", "ada"]);
  assert.deepEqual(nameWords("A B C D E F"), ["a", "b", "c", "d"]);
});

Deno.test("an order's details give name, phone suffix and email tokens", () => {
  assert.deepEqual(
    detailTokens({
      name: "Ada Lovelace",
      phone: "+49 30 1234567",
      email: "Ada@X.org ",
      note: "",
      pickupAt: undefined,
    }),
    ["n:lovelace", "n:ada", "p:234567", "e:ada@x.org"],
  );
  assert.deepEqual(detailTokens(undefined), []);
  assert.equal(phoneToken("12345"), "");
});

Deno.test("a phone matches with or without country code and trunk zero, never on too few digits", () => {
  const d = phoneDigits("+49 30 1234567");
  assert.ok(phoneMatches(d, phoneDigits("030 1234567")));
  assert.ok(phoneMatches(d, phoneDigits("+49301234567")));
  assert.ok(!phoneMatches(d, phoneDigits("030 1234568")));
  assert.ok(!phoneMatches(d, "4567"));
});
