/**
 * What a Memphis broker (1.4, memphis-dev 1.3.2) accepts, stated once: the contract checks the
 * environment against it at start-up, keyed on BROKER=memphis.
 */

export const MEMPHIS_LIMITS = {
  /** The broker's upper bound on a consumer group's `maxMsgDeliveries`. */
  maxDeliveries: 10,
  /**
   * The work on one message must stay well inside ACK_WAIT_MS: at most this fraction of it. The
   * rule dates from the SDK path, which could not extend an ack deadline; the adapter now sends
   * `+WPI` (stream-message.ts, proven by the broker contract's inProgress test on Memphis), so the
   * rule can go once the consumer's own suite shows long work kept on Memphis.
   */
  workTimeShareOfAckWait: 0.5,
} as const;
