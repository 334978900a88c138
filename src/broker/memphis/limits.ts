/**
 * What a Memphis broker (1.4, memphis-dev 1.3.2) accepts, stated once: the contract checks the
 * environment against it at start-up, keyed on BROKER=memphis.
 */
export const MEMPHIS_LIMITS = {
  /** The broker's upper bound on a consumer group's `maxMsgDeliveries`. */
  maxDeliveries: 10,
} as const;
