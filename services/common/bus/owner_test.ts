import assert from "node:assert/strict";
import { checkConnectionUser, ownerOf, ownerRefusal, publisherOf, userOfUrl } from "./owner.ts";
import type { WireMessage } from "./transport.ts";

const msg = (routingKey: string, extra: Partial<WireMessage> = {}): WireMessage => ({
  id: "m-1",
  routingKey,
  body: new Uint8Array(),
  attempt: 1,
  ...extra,
});

Deno.test("each fact family has one owner; other keys have none", () => {
  assert.equal(ownerOf("order.paid"), "orders");
  assert.equal(ownerOf("payment.succeeded"), "payments");
  assert.equal(ownerOf("kitchen.ticket_ready"), "kitchen");
  assert.equal(ownerOf("stock.anything"), undefined);
  assert.equal(ownerOf("constructor.x"), undefined);
  assert.equal(ownerOf(""), undefined);
});

Deno.test("a fact from its owner's user is accepted", () => {
  assert.equal(
    ownerRefusal(msg("payment.succeeded", { userId: "oms-payments" }), "oms-", "oms-orders"),
    undefined,
  );
  assert.equal(ownerRefusal(msg("order.paid", { userId: "oms-orders" }), "oms-", "oms-kitchen"), undefined);
});

Deno.test("a fact from any other user, the administrator included, or from nobody is refused, naming the user", () => {
  const guest = ownerRefusal(msg("payment.succeeded", { userId: "guest" }), "oms-", "oms-orders");
  assert.match(guest ?? "", /payment\.succeeded may only come from broker user "oms-payments".*"guest"/);
  const kitchen = ownerRefusal(msg("payment.succeeded", { userId: "oms-kitchen" }), "oms-", "oms-orders");
  assert.match(kitchen ?? "", /"oms-kitchen"/);
  const none = ownerRefusal(msg("order.created"), "oms-", "oms-payments");
  assert.match(none ?? "", /set no user_id/);
  // another deployment's prefix is another user
  assert.ok(ownerRefusal(msg("order.paid", { userId: "oms-orders" }), "test-1-", "test-1-kitchen"));
});

Deno.test("the original publisher header counts only on the consuming service's own retries and replays", () => {
  const retry = msg("payment.succeeded", { userId: "oms-orders", originalUserId: "oms-payments" });
  assert.equal(publisherOf(retry, "oms-orders"), "oms-payments");
  assert.equal(ownerRefusal(retry, "oms-", "oms-orders"), undefined);
  // a forged retry: the original of a replayed forgery stays the forger
  const replayedForgery = msg("payment.succeeded", { userId: "oms-orders", originalUserId: "guest" });
  assert.match(ownerRefusal(replayedForgery, "oms-", "oms-orders") ?? "", /"guest"/);
  // another user claiming an original publisher is not believed
  const claimed = msg("payment.succeeded", { userId: "oms-kitchen", originalUserId: "oms-payments" });
  assert.equal(publisherOf(claimed, "oms-orders"), "oms-kitchen");
  assert.ok(ownerRefusal(claimed, "oms-", "oms-orders"));
  // the consumer's own re-publish without an original is its own statement: not the owner of payment.*
  assert.ok(ownerRefusal(msg("payment.succeeded", { userId: "oms-orders" }), "oms-", "oms-orders"));
});

Deno.test("a service must connect as its own broker user", () => {
  assert.equal(userOfUrl("amqp://oms-orders:pw@h:5672"), "oms-orders");
  assert.equal(userOfUrl("amqp://h:5672"), "guest");
  assert.equal(userOfUrl("amqp://a%40b:pw@h"), "a@b");
  assert.equal(checkConnectionUser("amqp://oms-stock:pw@h", "oms-", "stock"), "oms-stock");
  assert.throws(
    () => checkConnectionUser("amqp://guest:guest@127.0.0.1:5672", "oms-", "payments"),
    /payments must connect to RabbitMQ as its own broker user "oms-payments", but its AMQP URL names "guest"/,
  );
});
