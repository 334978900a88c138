/**
 * Start-up connection of either adapter: p-retry with exponential back-off over transient failures
 * only (bad credentials and bad options fail at once), then one error that says where and as whom.
 */
import pRetry from "p-retry";

export interface ConnectWithRetryProps<C> {
  /** One connection attempt. */
  readonly attempt: () => Promise<C>;
  /** Retries after the first attempt (`BrokerOptions.connectRetries`). */
  readonly retries: number;
  /** First back-off, doubled after every failed attempt up to `maxBackoffMs`. */
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Whether a failed attempt may succeed later. */
  readonly isTransient: (error: unknown) => boolean;
  /** Called after every failed attempt. */
  readonly onRetry?: (error: Error, attempt: number) => void;
  /** The final error's message, from the last failure's message and the attempts made. */
  readonly failureMessage: (reason: string, attempts: number) => string;
}

export async function connectWithRetry<C>(props: ConnectWithRetryProps<C>): Promise<C> {
  let attempts = 0;
  const onRetry = props.onRetry ?? (() => {});
  return pRetry(() => (attempts++, props.attempt()), {
    retries: props.retries,
    factor: 2,
    minTimeout: props.minBackoffMs,
    maxTimeout: props.maxBackoffMs,
    shouldRetry: ({ error }) => props.isTransient(error),
    onFailedAttempt: ({ error, attemptNumber }) => onRetry(error, attemptNumber),
  }).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(props.failureMessage(reason, attempts), { cause: error });
  });
}
