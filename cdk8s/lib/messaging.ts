import type { BrokerOptions } from "../../src/broker/options.js";
import { DEFAULTS } from "../../src/runtime/defaults.js";

/**
 * Stream, consumer group and delivery settings shared by producer, consumer and provisioning Job:
 * the same fields the apps read into `BrokerOptions` (documented there), defaults in `DEFAULT_MESSAGING`.
 */
export type MessagingSettings = Pick<
  BrokerOptions,
  | "stream"
  | "consumerGroup"
  | "deadLetterStream"
  | "ackWaitMs"
  | "maxDeliveries"
  | "retentionSeconds"
  | "dedupWindowMs"
>;

/** The apps' own defaults (src/runtime/defaults.ts): the manifests never restate them. */
export const DEFAULT_MESSAGING: MessagingSettings = {
  stream: DEFAULTS.stream,
  consumerGroup: DEFAULTS.consumerGroup,
  deadLetterStream: DEFAULTS.deadLetterStream,
  ackWaitMs: DEFAULTS.ackWaitMs,
  maxDeliveries: DEFAULTS.maxDeliveries,
  retentionSeconds: DEFAULTS.retentionSeconds,
  dedupWindowMs: DEFAULTS.dedupWindowMs,
};

/** Fill in defaults and check the invariants; errors name the option and the bad value. */
export function resolveMessaging(settings: Partial<MessagingSettings> = {}): MessagingSettings {
  const resolved = { ...DEFAULT_MESSAGING, ...settings };
  const limit = DEFAULTS.maxDeliveriesLimit;
  if (
    !Number.isInteger(resolved.maxDeliveries) ||
    resolved.maxDeliveries < 1 ||
    resolved.maxDeliveries > limit
  )
    throw new Error(
      `messaging.maxDeliveries must be an integer in 1..${limit} (Memphis caps it at 10), got ${resolved.maxDeliveries}`,
    );
  for (const key of ["ackWaitMs", "retentionSeconds", "dedupWindowMs"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] <= 0)
      throw new Error(`messaging.${key} must be a positive integer, got ${resolved[key]}`);
  }
  for (const key of ["stream", "consumerGroup", "deadLetterStream"] as const) {
    if (!/^[A-Za-z0-9_.-]+$/.test(resolved[key]))
      throw new Error(`messaging.${key} must match [A-Za-z0-9_.-]+, got ${JSON.stringify(resolved[key])}`);
  }
  return resolved;
}
