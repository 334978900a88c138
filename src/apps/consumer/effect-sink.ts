import { hash } from "node:crypto";

/** The consumer's side effect, applied at most once per message id. */
export interface Effect {
  /** Envelope id: the idempotency key. */
  readonly id: string;
  readonly seq: number;
  readonly producer: string;
  readonly producedAt: number;
  /** Consumer instance applying it. */
  readonly instance: string;
  readonly deliveryCount: number;
  /**
   * Digest of the message body (`bodyDigest`): a producer's retries re-send the same bytes, so a
   * second body under an applied id is a conflict, not a retry.
   */
  readonly digest: string;
}

/**
 * `applied`: this call applied it; `duplicate`: it had been applied before (by anyone) from the
 * same body; `conflict`: it had been applied before from another body (the first one stands).
 */
export type ApplyResult = "applied" | "duplicate" | "conflict";

/** One delivery the consumer started processing (before its work and its effect). */
export type Attempt = Pick<Effect, "id" | "instance" | "deliveryCount">;

/** The digest of a message body that `Effect.digest` carries (SHA-256, base64url, 128 bits). */
export function bodyDigest(data: Uint8Array): string {
  return hash("sha256", data, "base64url").slice(0, 22);
}

export interface EffectSink {
  /**
   * Record that a delivery is being processed, independently of the effect (so a fault's duplicate
   * deliveries can be counted apart from the effects they did or did not cause). Optional.
   */
  recordAttempt?(attempt: Attempt): Promise<void>;
  apply(effect: Effect): Promise<ApplyResult>;
  close(): Promise<void>;
}
