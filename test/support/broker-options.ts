/**
 * The one place the tests build \`BrokerOptions\`: names and short timings every adapter test shares,
 * plus the endpoints and credentials of the broker at hand.
 */
import type { BrokerOptions } from "../../src/broker/options.js";
import { BROKER_OPTION_DEFAULTS } from "../../src/runtime/config/common-contract.js";

/** The contract's defaults with short test timings; each adapter adds its endpoints. */
export const TEST_BROKER_SETTINGS = {
  ...BROKER_OPTION_DEFAULTS,
  ackWaitMs: 5_000,
  retentionSeconds: 3_600,
  clientName: "broker-test",
  connectRetries: 3,
} as const satisfies Partial<BrokerOptions>;

/** Where a test broker listens and who the client is there. */
export type TestBrokerEndpoint = Pick<BrokerOptions, "kind" | "url" | "monitorUrl" | "account"> &
  Partial<Pick<BrokerOptions, "username" | "password" | "token" | "accountId">>;

/** Options for a broker at \`endpoint\`, with the shared test settings and \`overrides\` on top. */
export function testBrokerOptions(
  endpoint: TestBrokerEndpoint,
  overrides: Partial<BrokerOptions> = {},
): BrokerOptions {
  return { ...TEST_BROKER_SETTINGS, ...endpoint, ...overrides };
}
