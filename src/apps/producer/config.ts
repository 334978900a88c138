/**
 * Producer configuration: its contract (./contract.ts) validated once, resolved into what the
 * producer's parts take.
 */
import { toCommonConfig, type CommonConfig } from "../../runtime/config/common-contract.js";
import { loadContract, type EnvInput } from "../../runtime/config/contract.js";
import { PRODUCER_CONTRACT } from "./contract.js";
import { parseLoadProfile } from "./load-profile.js";
import { constantProfile, type RateProfile } from "./rate-profile.js";

export interface ProducerConfig {
  readonly common: CommonConfig;
  /** The rate over time: LOAD_PROFILE on top of RATE_PER_SECOND. */
  readonly profile: RateProfile;
  readonly maxInFlight: number;
  readonly payloadBytes: number;
  readonly messageLimit: number;
}

/** Validate `env`; throws a `ConfigError` naming every bad variable. */
export function loadProducerConfig(env: EnvInput): ProducerConfig {
  const values = loadContract(PRODUCER_CONTRACT, env);
  const profileText = values.LOAD_PROFILE;
  return {
    common: toCommonConfig(values),
    profile:
      profileText === undefined || profileText.trim() === ""
        ? constantProfile(values.RATE_PER_SECOND)
        : parseLoadProfile(profileText, values.RATE_PER_SECOND),
    maxInFlight: values.MAX_IN_FLIGHT,
    payloadBytes: values.PAYLOAD_BYTES,
    messageLimit: values.MESSAGE_LIMIT,
  };
}
