/**
 * Tuning shared by both adapters that is not part of `BrokerOptions`: the one place for these values.
 */
export const BROKER_DEFAULTS = {
  /** Timeout of one monitoring endpoint request (queue depth). */
  monitorTimeoutMs: 5_000,
} as const;
