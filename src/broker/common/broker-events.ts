/**
 * The listeners of one broker's connection events: `Broker.onEvent` adds one, the adapter emits to
 * all of them. A listener that throws does not keep the others (or the connection) from running.
 */
import type { BrokerEvent } from "../port.js";

export class BrokerEvents {
  private readonly listeners = new Set<(event: BrokerEvent) => void>();

  /** Add a listener; returns the function that removes it again. */
  on(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: BrokerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}
