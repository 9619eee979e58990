import assert from "node:assert/strict";
import { customerApiNotice, devOpenCustomerApi } from "./dev_customer_api.ts";

Deno.test("dev opens the customer API unless the user set WEB_OPEN_CUSTOMER_API", () => {
  assert.equal(devOpenCustomerApi({}), "true");
  assert.equal(devOpenCustomerApi({ WEB_OPEN_CUSTOMER_API: "false" }), "false");
  assert.equal(devOpenCustomerApi({ WEB_OPEN_CUSTOMER_API: "" }), "");
});

Deno.test("dev says at start whether the customer API needs proof", () => {
  assert.match(customerApiNotice("true"), /^WEB_OPEN_CUSTOMER_API=true \(dev only\).*without proof/);
  assert.match(customerApiNotice("false"), /needs proof.*POST \/api\/customers.*Bearer/);
});
