/**
 * A vitest reporter that fails the run on obsolete snapshots (vitest only lists them). Together
 * with `update: "none"` in vitest.config.ts (a missing snapshot fails instead of being written,
 * which vitest otherwise does only with CI set), a snapshot is never silently added, and one whose
 * test is gone never lingers. `npx vitest run -u` still writes and prunes them on purpose.
 */
import type { Reporter, Vitest } from "vitest/node";

export default class StrictSnapshotsReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(): void {
    const summary = this.vitest?.snapshot.summary;
    if (!summary || summary.didUpdate) return;
    const obsolete = summary.uncheckedKeysByFile.flatMap(({ filePath, keys }) =>
      keys.map((key) => `  ${filePath}: ${key}`),
    );
    if (obsolete.length === 0) return;
    process.stderr.write(
      `\nobsolete snapshots (their tests are gone; remove them with \`npx vitest run -u\`):\n${obsolete.join("\n")}\n`,
    );
    process.exitCode = 1;
  }
}
