/**
 * Errors of the Memphis adapter that need a plain explanation rather than the SDK's text.
 */

/** The control-plane subject a request went to, for the "not a Memphis broker" message. */
export type ControlPlaneSubject =
  "$memphis_station_creations" | "$memphis_producer_creations" | "$memphis_consumer_creations";

/** Thrown when `BROKER_URL` reaches a NATS server that has no Memphis control plane behind it. */
export class NotAMemphisBrokerError extends Error {
  override readonly name = "NotAMemphisBrokerError";
  constructor(subject: ControlPlaneSubject, options?: ErrorOptions) {
    super(
      `the broker URL points at a NATS server, not a Memphis broker: no responder for ${subject}`,
      options,
    );
  }
}

/**
 * A control-plane request without a responder fails with a `MemphisError` whose code is `'503'`
 * (NATS "no responders"): nothing serves Memphis's control plane on that server.
 */
export function isNoResponders(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "503" || code === 503;
}

/** Run a control-plane request; a 503 becomes `NotAMemphisBrokerError`. */
export async function controlPlane<T>(subject: ControlPlaneSubject, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (isNoResponders(error)) throw new NotAMemphisBrokerError(subject, { cause: error });
    throw error;
  }
}
