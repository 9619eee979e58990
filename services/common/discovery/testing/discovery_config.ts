/**
 * The discovery settings tests run services with against the Consul stand-in: short check and sync
 * intervals, and a short blocking-query wait ({@linkcode TEST_WATCH_WAIT}).
 *
 * @module
 */
import type { DiscoveryConfig } from "../../config.ts";

/** The blocking-query wait of the tests' resolvers. */
export const TEST_WATCH_WAIT = "2s";

/** Discovery through the Consul stand-in at `consulUrl`, with test-sized timings. */
export function testDiscovery(consulUrl: string): DiscoveryConfig {
  return {
    consulUrl,
    version: "9.9.9-test",
    checkInterval: "200ms",
    checkTimeout: "1s",
    deregisterCriticalAfter: "1m",
    syncIntervalMs: 300,
    watchWait: TEST_WATCH_WAIT,
  };
}
