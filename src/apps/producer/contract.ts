/**
 * The producer's environment contract: the common variables plus the rate, the load profile and the
 * publish bounds. The one place their names, defaults and ranges live (the manifests, the bench and
 * docs/configuration.md derive from it).
 */
import { COMMON_RULES, COMMON_SETTINGS } from "../../runtime/config/common-contract.js";
import type { AppContract } from "../../runtime/config/contract.js";
import { decimal, integer, text } from "../../runtime/config/setting.js";
import { LoadProfileError, parseLoadProfile } from "./load-profile.js";

export const PRODUCER_SETTINGS = {
  ...COMMON_SETTINGS,
  RATE_PER_SECOND: decimal({
    min: 0,
    description: "Messages per second (>= 0, fractions allowed; 0 pauses); the base of LOAD_PROFILE",
    example: "5",
  }),
  LOAD_PROFILE: text({
    optional: true,
    description:
      "Rate over time: constant, steps:R@D,…, ramp:A..B@D, wave:M±A@P, burst:RxD/P (default constant)",
    example: "steps:10@30s,100@60s",
    defaultNote: "constant",
  }),
  MAX_IN_FLIGHT: integer({
    min: 1,
    max: 65_536,
    default: 256,
    description: "Publishes awaiting a broker ack at once",
    example: "256",
  }),
  PAYLOAD_BYTES: integer({
    min: 0,
    max: 64 * 1024 * 1024,
    default: 64,
    description: "Size of the payload's data string",
    example: "64",
  }),
  MESSAGE_LIMIT: integer({
    min: 0,
    default: 0,
    description: "Stop after this many messages and exit 0 (0: unlimited)",
    example: "0",
  }),
} as const;

export const PRODUCER_CONTRACT: AppContract<typeof PRODUCER_SETTINGS> = {
  app: "producer",
  settings: PRODUCER_SETTINGS,
  rules: [
    ...COMMON_RULES,
    {
      variables: ["LOAD_PROFILE"],
      description: "LOAD_PROFILE parses (see the profiles below), against RATE_PER_SECOND",
      check: (v) => {
        if (v.LOAD_PROFILE === undefined || v.LOAD_PROFILE.trim() === "") return [];
        try {
          parseLoadProfile(v.LOAD_PROFILE, (v.RATE_PER_SECOND as number | undefined) ?? 0);
          return [];
        } catch (error) {
          if (!(error instanceof LoadProfileError)) throw error;
          return [{ name: "LOAD_PROFILE", message: error.message }];
        }
      },
    },
  ],
  retired: {
    // The original system's variable: the sleep in seconds between messages.
    RATE: "is not read: use RATE_PER_SECOND (messages per second)",
  },
};
