/**
 * `deno task test`: makes sure a real RabbitMQ is reachable (starting an installed one if needed; a
 * clear error if there is none), then runs every suite and writes JUnit results to
 * `.test-results/junit.xml`. Extra arguments go to `deno test` (e.g. a path or `--filter`).
 *
 * @module
 */
import { brokerReachable, findRabbitmqServer, startInstalledBroker } from "./broker.ts";

const url = Deno.env.get("AMQP_URL") || "amqp://guest:guest@127.0.0.1:5672";

if (!(await brokerReachable(url))) {
  const binary = findRabbitmqServer();
  if (!binary) {
    console.error(
      `test: no RabbitMQ at ${url.replace(/\/\/[^@]*@/, "//")} and none installed. ` +
        "Install it (apt-get install rabbitmq-server) or set AMQP_URL to a reachable broker.",
    );
    Deno.exit(1);
  }
  console.error(`test: no RabbitMQ at ${url.replace(/\/\/[^@]*@/, "//")}; starting ${binary} -detached ...`);
  if (!(await startInstalledBroker(url, binary))) {
    console.error("test: RabbitMQ did not start within 90 s; see /var/log/rabbitmq/");
    Deno.exit(1);
  }
  console.error("test: RabbitMQ started");
}

await Deno.mkdir(".test-results", { recursive: true });
const args = Deno.args.length > 0 ? Deno.args : ["services", "web", "tests", "scripts"];
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--junit-path=.test-results/junit.xml", ...args],
  stdin: "null",
}).spawn();
const { code } = await child.status;
Deno.exit(code);
