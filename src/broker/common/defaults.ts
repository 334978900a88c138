/**
 * Tuning shared by both adapters that is not part of `BrokerOptions`: the one place for these values.
 */
export const BROKER_DEFAULTS = {
  /** Timeout of one monitoring endpoint request (queue depth). */
  monitorTimeoutMs: 5_000,
  /**
   * How long a connection the client found stale may take to close by itself before its socket is
   * destroyed (./stale-socket-guard.ts). An idle connection closes at once; a busy one never does
   * while the network drops its packets.
   */
  staleCloseGraceMs: 1_000,
} as const;
