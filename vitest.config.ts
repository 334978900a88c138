import { configDefaults, defineConfig } from "vitest/config";
import { SNAPSHOT_POLICY } from "./test/support/snapshot-policy.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The control-plane tests build Kubernetes with Go: `npm run test:control-plane` (test/control-plane/vitest.config.ts).
    exclude: [...configDefaults.exclude, "test/control-plane/**"],
    globalSetup: ["test/support/global-setup.ts"],
    // Integration tests start real nats-server processes and real app processes;
    // two cores: keep file-level parallelism modest.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", SNAPSHOT_POLICY.reporter],
    update: SNAPSHOT_POLICY.update,
  },
});
