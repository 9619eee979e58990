import assert from "node:assert/strict";
import { AmqpUrlError, describeNodes, parseAmqpUrls, redactUrl } from "./amqp_urls.ts";
import { commonConfig, ConfigError } from "./config.ts";
import { TEST_SERVICE_TOKEN } from "./auth/testing.ts";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

Deno.test("one AMQP URL is a list of one node, kept as given", () => {
  assert.deepEqual(parseAmqpUrls("amqp://guest:guest@127.0.0.1:5672"), ["amqp://guest:guest@127.0.0.1:5672"]);
});

Deno.test("a comma-separated list names the nodes in order; spaces and empty entries are ignored", () => {
  assert.deepEqual(
    parseAmqpUrls(" amqp://u:p@rabbit-1:5672 , amqp://u:p@rabbit-2:5673,,amqps://u:p@rabbit-3 "),
    ["amqp://u:p@rabbit-1:5672", "amqp://u:p@rabbit-2:5673", "amqps://u:p@rabbit-3"],
  );
});

Deno.test("a later node given as host[:port] takes the first node's scheme, user, password, vhost and query", () => {
  const [a, b, c] = parseAmqpUrls(
    "amqps://oms-orders:s3cret@rabbit-1:5671/shop?heartbeat=10,rabbit-2,rabbit-3:6000",
  );
  assert.equal(a, "amqps://oms-orders:s3cret@rabbit-1:5671/shop?heartbeat=10");
  assert.equal(b, "amqps://oms-orders:s3cret@rabbit-2:5671/shop?heartbeat=10");
  assert.equal(c, "amqps://oms-orders:s3cret@rabbit-3:6000/shop?heartbeat=10");
});

Deno.test("nodes naming different users are refused: the service publishes as one user wherever it is connected", () => {
  const err = thrown(() => parseAmqpUrls("amqp://oms-orders:a@r1,amqp://oms-stock:b@r2", "ORDERS_AMQP_URL"));
  assert.ok(err instanceof AmqpUrlError);
  assert.equal(err.variable, "ORDERS_AMQP_URL");
  assert.match(err.message, /user "oms-orders" for node 1 but "oms-stock" for node 2/);
  assert.doesNotMatch(err.message, /:a@|:b@/, "no password in the message");
});

Deno.test("an entry that is neither a URL nor host[:port] is refused, naming the node and hiding the password", () => {
  assert.throws(
    () => parseAmqpUrls("amqp://u:pw@r1,http://u:pw@r2"),
    /node 2 must be an amqp\(s\):\/\/ URL or host\[:port\], got "http:\/\/u:\*\*\*@r2"/,
  );
  assert.throws(
    () => parseAmqpUrls("rabbit-1,amqp://u:pw@r2"),
    /AMQP_URL must start with amqp:\/\/ or amqps:\/\//,
  );
  assert.throws(() => parseAmqpUrls(""), /must start with amqp/);
});

Deno.test("logs show the nodes without passwords", () => {
  assert.equal(redactUrl("amqp://u:secret@h:1"), "amqp://u:***@h:1");
  assert.equal(describeNodes(["amqp://u:a@h1", "amqp://u:b@h2"]), "amqp://u:***@h1, amqp://u:***@h2");
});

Deno.test("the password is hidden with an empty user, and an unencoded @, /, ? or # in it is hidden too", () => {
  assert.equal(redactUrl("amqp://:secret@h:5672"), "amqp://:***@h:5672");
  assert.equal(redactUrl("amqp://:@h"), "amqp://:***@h");
  assert.equal(redactUrl("amqp://u:p@ss@word@rabbit-1:5672/shop"), "amqp://u:***@rabbit-1:5672/shop");
  assert.equal(redactUrl("amqps://u:se/cr?et#x@h/%2F?heartbeat=10"), "amqps://u:***@h/%2F?heartbeat=10");
  assert.equal(redactUrl("amqp://u:pw@[::1]:5672"), "amqp://u:***@[::1]:5672");
  assert.equal(redactUrl("amqp://u:pw@h?x=a"), "amqp://u:***@h?x=a");
  // no scheme: read as starting with the credentials
  assert.equal(redactUrl("u:pw@rabbit-2"), "u:***@rabbit-2");
  // a user alone has no password; no credentials at all: as given
  assert.equal(redactUrl("amqp://guest@h"), "amqp://guest@h");
  assert.equal(redactUrl("amqp://h:5672/vh"), "amqp://h:5672/vh");
  assert.equal(redactUrl("rabbit-1"), "rabbit-1");
  // no host after any @: everything up to the last @ is hidden
  assert.equal(redactUrl("amqp://u:p@ss@"), "amqp://u:***@");
  for (const url of ["amqp://:s3cret@h", "amqp://u:s3c@ret@h", "amqp://u:s3c/ret@h", "u:s3cret@h:1"]) {
    assert.doesNotMatch(redactUrl(url), /s3c|ret/, url);
  }
  assert.doesNotMatch(describeNodes(["amqp://:s3cret@h1", "amqp://u:s3c@ret@h2"]), /s3c|ret/);
});

Deno.test("a node list entry with an unencoded @ in its password is refused without showing the password", () => {
  const err = thrown(() => parseAmqpUrls("amqp://u:pw@r1,u:s3c@ret@r2"));
  assert.ok(err instanceof AmqpUrlError);
  assert.doesNotMatch(err.message, /s3c|ret/);
});

Deno.test("commonConfig takes a node list in AMQP_URL and <SERVICE>_AMQP_URL, and reports a bad one on its variable", () => {
  const base = { OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN };
  const c = commonConfig({ ...base, AMQP_URL: "amqp://a:b@r1,r2", KITCHEN_AMQP_URL: "amqp://k:p@r1,r2,r3" });
  assert.equal(c.amqpUrl, "amqp://a:b@r1,r2");
  assert.equal(c.amqpUrls?.kitchen, "amqp://k:p@r1,r2,r3");
  const err = thrown(() => commonConfig({ ...base, STOCK_AMQP_URL: "amqp://s:p@r1,amqp://x:p@r2" }));
  assert.ok(err instanceof ConfigError);
  assert.equal(err.variable, "STOCK_AMQP_URL");
  assert.equal(commonConfig({ ...base, AMQP_URL: "memory" }).amqpUrl, "memory");
});

Deno.test("queues are quorum with a delivery limit of 20 unless OMS_QUEUE_TYPE / OMS_DELIVERY_LIMIT say otherwise", () => {
  const base = { OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN };
  assert.deepEqual(
    (({ queueType, deliveryLimit }) => ({ queueType, deliveryLimit }))(commonConfig(base)),
    { queueType: "quorum", deliveryLimit: 20 },
  );
  const c = commonConfig({ ...base, OMS_QUEUE_TYPE: "classic", OMS_DELIVERY_LIMIT: "5" });
  assert.equal(c.queueType, "classic");
  assert.equal(c.deliveryLimit, 5);
  assert.throws(
    () => commonConfig({ ...base, OMS_QUEUE_TYPE: "stream" }),
    /OMS_QUEUE_TYPE must be quorum or classic, got "stream"/,
  );
  assert.throws(
    () => commonConfig({ ...base, OMS_DELIVERY_LIMIT: "0" }),
    /OMS_DELIVERY_LIMIT must be an integer from 1 to 1000/,
  );
});
