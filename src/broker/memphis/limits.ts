/**
 * What a Memphis broker (1.4, memphis-dev 1.3.2) accepts, stated once: the contract checks the
 * environment against it at start-up, keyed on BROKER=memphis.
 */
import { MEMPHIS_DEFAULTS } from "./defaults.js";

export const MEMPHIS_LIMITS = {
  /** The broker's upper bound on a consumer group's `maxMsgDeliveries`. */
  maxDeliveries: 10,
  /** ACK_WAIT_MS must exceed this: one fetch waits this long for its batch (the SDK's floor is 1000 ms). */
  ackWaitAboveMs: MEMPHIS_DEFAULTS.batchMaxTimeToWaitMs,
  /**
   * The SDK cannot extend an ack deadline (`inProgress()` is a no-op), so the work on one message
   * must stay well inside ACK_WAIT_MS: at most this fraction of it.
   */
  workTimeShareOfAckWait: 0.5,
} as const;
