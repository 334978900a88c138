/**
 * Readiness as a set of named conditions: ready when every condition holds. Apps set
 * e.g. `broker` (connected), `subscribed`, and clear `running` on shutdown.
 */
export class Readiness {
  private readonly failing = new Set<string>();

  /** Conditions that must be set true before the app is ready. */
  constructor(initiallyFalse: readonly string[] = []) {
    for (const name of initiallyFalse) this.failing.add(name);
  }

  set(condition: string, ok: boolean): void {
    if (ok) this.failing.delete(condition);
    else this.failing.add(condition);
  }

  get ready(): boolean {
    return this.failing.size === 0;
  }

  /** Names of the conditions that do not hold. */
  get reasons(): readonly string[] {
    return [...this.failing];
  }
}
