import assert from "node:assert/strict";
import { devBrokerUsers, passwordKey } from "./dev_broker.ts";
import { BROKER_SERVICES, removeBrokerUsers } from "./broker_users.ts";
import { testAmqpUrl, testBrokerAdmin } from "../services/common/bus/testing.ts";

Deno.test("given a cluster's nodes in AMQP_URL, the users are set up once and each service gets every node as itself", async () => {
  const id = crypto.randomUUID().slice(0, 8);
  const names = { prefix: `test-${id}-`, exchange: `test.${id}`, queuePrefix: `test-${id}` };
  const secrets = Object.fromEntries(BROKER_SERVICES.map((s) => [passwordKey(s), `pw${s}${id}`]));
  const admin = testAmqpUrl();
  const said: string[] = [];
  try {
    const urls = await devBrokerUsers(`${admin},rabbit-2:5673,rabbit-3`, names, secrets, (m) => said.push(m));
    const host = new URL(admin.replace(/^amqp:/, "http:")).host;
    assert.equal(
      urls.orders,
      [host, "rabbit-2:5673", "rabbit-3:5672"].map((h) => `amqp://test-${id}-orders:pworders${id}@${h}`).join(
        ",",
      ),
    );
    assert.match(said.join("\n"), new RegExp(`broker users test-${id}-orders`));
  } finally {
    await removeBrokerUsers(await testBrokerAdmin(), names.prefix);
  }
});
