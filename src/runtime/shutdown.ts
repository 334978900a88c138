/**
 * SIGTERM/SIGINT handling: the first signal aborts `signal` (the app drains and exits on its own),
 * a second one forces an immediate exit with code 130.
 */
export interface ShutdownProps {
  readonly onSignal: (signal: NodeJS.Signals) => void;
  /** Called on the second signal, just before exiting. */
  readonly onForce?: (signal: NodeJS.Signals) => void;
  /**
   * Signals to handle.
   * @default ["SIGTERM", "SIGINT"]
   */
  readonly signals?: readonly NodeJS.Signals[];
}

export class ShutdownSignal {
  private readonly controller = new AbortController();
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  constructor(props: ShutdownProps) {
    for (const name of props.signals ?? (["SIGTERM", "SIGINT"] as const)) {
      const handler = (): void => {
        if (this.controller.signal.aborted) {
          props.onForce?.(name);
          process.exit(130);
        }
        this.controller.abort(name);
        props.onSignal(name);
      };
      this.handlers.set(name, handler);
      process.on(name, handler);
    }
  }

  /** Aborted on the first signal (reason: the signal name). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    for (const [name, handler] of this.handlers) process.off(name, handler);
  }
}
