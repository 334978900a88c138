/** What the config tests share: the smallest valid environment and the ConfigError a load throws. */
import { ConfigError } from "../../src/runtime/config/config-error.js";

/** The only variables without a default. */
export const MINIMAL_ENV = {
  BROKER_URL: "nats://127.0.0.1:4222",
  BROKER_MONITOR_URL: "http://127.0.0.1:8222/",
} as const;

/** The ConfigError `load` throws; fails the test when it returns or throws something else. */
export function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
