/**
 * Test support (test code only): a service token for unit tests that start servers and clients in
 * process. System tests generate one per system instead.
 *
 * @module
 */
import type { StaffIdentity } from "./staff_claim.ts";

/** A fixed, valid service token for unit tests. */
export const TEST_SERVICE_TOKEN = "test-service-token-0123456789abcdef-unit";

/** The staff identity test harnesses act as. */
export const TEST_STAFF: StaffIdentity = { sub: "test-staff", role: "owner" };
