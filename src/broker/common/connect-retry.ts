/**
 * The start-up connection policy of both adapters: p-retry with the broker's connect back-off over
 * transient failures only (bad credentials and bad options fail at once), then one error that says
 * where and as whom. Each adapter supplies its own attempt and its own idea of transient.
 */
import pRetry from "p-retry";
import { BROKER_DEFAULTS } from "../defaults.js";

export interface RetryConnectProps<C> {
  /** One connection attempt. */
  readonly attempt: () => Promise<C>;
  /** Retries after the first attempt (`BrokerOptions.connectRetries`). */
  readonly retries: number;
  /** Whether a failed attempt may succeed later. */
  readonly isTransient: (error: unknown) => boolean;
  /** The final error's message, from the last failure's message and the attempts made. */
  readonly failureMessage: (reason: string, attempts: number) => string;
}

/** Run `attempt` until it connects, retrying transient failures with `BROKER_DEFAULTS.connectBackoff`. */
export async function retryConnect<C>(props: RetryConnectProps<C>): Promise<C> {
  const { minMs, maxMs } = BROKER_DEFAULTS.connectBackoff;
  let attempts = 0;
  return pRetry(() => (attempts++, props.attempt()), {
    retries: props.retries,
    factor: 2,
    minTimeout: minMs,
    maxTimeout: maxMs,
    shouldRetry: ({ error }) => props.isTransient(error),
  }).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(props.failureMessage(reason, attempts), { cause: error });
  });
}
