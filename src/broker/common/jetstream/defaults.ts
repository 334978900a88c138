/**
 * Tuning of the JetStream pull path shared by both adapters (a Memphis station is a JetStream
 * stream): the one place for these values.
 */
export const JETSTREAM_DEFAULTS = {
  /**
   * Lifetime of one pull request. It bounds how long a session waits before it notices a lost
   * server; the server sends idle heartbeats every half of it.
   */
  pullExpiresMs: 5_000,
  /** Longest wait for the PONG that confirms the acks written before it. */
  ackConfirmTimeoutMs: 5_000,
  /** First and longest back-off while a pull subscription is being re-established. */
  resubscribeMinBackoffMs: 100,
  resubscribeMaxBackoffMs: 2_000,
  /** Reply-subject prefix of a client without its own (the NATS clients' default). */
  inboxPrefix: "_INBOX",
} as const;
