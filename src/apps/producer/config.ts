/**
 * Producer configuration: the common variables plus the rate, load profile and publish bounds.
 */
import { str } from "envalid";
import {
  checkCommon,
  commonEnvSpecs,
  SECRET_VARIABLES,
  toCommonConfig,
  type CommonConfig,
} from "../../runtime/config/common-env.js";
import { cleanEnvStrict, type EnvInput } from "../../runtime/config/clean-env.js";
import type { ConfigProblem } from "../../runtime/config/config-error.js";
import { intInRange, numberAtLeast } from "../../runtime/config/validators.js";
import { DEFAULTS } from "../../runtime/defaults.js";
import { LoadProfileError, parseLoadProfile } from "./load-profile.js";
import { constantProfile, type RateProfile } from "./rate-profile.js";

export const producerEnvSpecs = {
  ...commonEnvSpecs,
  RATE_PER_SECOND: numberAtLeast(0)({
    desc: "Messages per second (>= 0, fractions allowed; 0 pauses); the base of LOAD_PROFILE",
    example: "5",
  }),
  LOAD_PROFILE: str({
    default: undefined,
    desc: "Rate over time: constant, steps:R@D,…, ramp:A..B@D, wave:M±A@P, burst:RxD/P (default constant)",
    example: "steps:10@30s,100@60s",
  }),
  MAX_IN_FLIGHT: intInRange(
    1,
    65_536,
  )({
    default: DEFAULTS.producer.maxInFlight,
    desc: "Publishes awaiting a broker ack at once",
    example: "256",
  }),
  PAYLOAD_BYTES: intInRange(
    0,
    64 * 1024 * 1024,
  )({
    default: DEFAULTS.producer.payloadBytes,
    desc: "Size of the payload's data string",
    example: "64",
  }),
  MESSAGE_LIMIT: intInRange(0)({
    default: DEFAULTS.producer.messageLimit,
    desc: "Stop after this many messages and exit 0 (0: unlimited)",
    example: "0",
  }),
};

export interface ProducerConfig {
  readonly common: CommonConfig;
  readonly ratePerSecond: number;
  readonly profile: RateProfile;
  readonly maxInFlight: number;
  readonly payloadBytes: number;
  readonly messageLimit: number;
}

function profileOf(text: string | undefined, rate: number): RateProfile {
  return text === undefined || text.trim() === "" ? constantProfile(rate) : parseLoadProfile(text, rate);
}

/** Validate `env`; throws a `ConfigError` naming every bad variable. */
export function loadProducerConfig(env: EnvInput): ProducerConfig {
  const values = cleanEnvStrict(env, producerEnvSpecs, {
    secrets: SECRET_VARIABLES,
    check: (v) => {
      const problems: ConfigProblem[] = [...checkCommon(v)];
      if (v.LOAD_PROFILE !== undefined) {
        try {
          profileOf(v.LOAD_PROFILE, v.RATE_PER_SECOND ?? 0);
        } catch (error) {
          if (!(error instanceof LoadProfileError)) throw error;
          problems.push({ name: "LOAD_PROFILE", message: error.message });
        }
      }
      return problems;
    },
  });
  return {
    common: toCommonConfig(values),
    ratePerSecond: values.RATE_PER_SECOND,
    profile: profileOf(values.LOAD_PROFILE, values.RATE_PER_SECOND),
    maxInFlight: values.MAX_IN_FLIGHT,
    payloadBytes: values.PAYLOAD_BYTES,
    messageLimit: values.MESSAGE_LIMIT,
  };
}
