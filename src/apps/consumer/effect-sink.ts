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

export interface EffectSink {
  apply(effect: Effect): Promise<ApplyResult>;
  close(): Promise<void>;
}
