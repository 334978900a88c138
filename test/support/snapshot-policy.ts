/**
 * How the suite treats snapshots, in one place (vitest.config.ts and the test that proves the
 * policy both read it): a missing snapshot fails instead of being written (`update: "none"`, what
 * vitest does only with CI set) and an obsolete one fails the run (the reporter). `-u` on the
 * command line still writes and prunes them on purpose.
 */
import { fileURLToPath } from "node:url";

export const SNAPSHOT_POLICY = {
  update: "none",
  reporter: fileURLToPath(new URL("./strict-snapshots-reporter.ts", import.meta.url)),
} as const;
