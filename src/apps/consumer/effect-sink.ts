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
}

/** `applied`: this call applied it; `duplicate`: it had been applied before (by anyone). */
export type ApplyResult = "applied" | "duplicate";

/** One delivery the consumer started processing (before its work and its effect). */
export type Attempt = Pick<Effect, "id" | "instance" | "deliveryCount">;

export interface EffectSink {
  /**
   * Record that a delivery is being processed, independently of the effect (so a fault's duplicate
   * deliveries can be counted apart from the effects they did or did not cause). Optional.
   */
  recordAttempt?(attempt: Attempt): Promise<void>;
  apply(effect: Effect): Promise<ApplyResult>;
  close(): Promise<void>;
}
