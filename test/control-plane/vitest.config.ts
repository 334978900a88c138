// The control-plane tests (`npm run test:control-plane`): real kube-apiserver and etcd, built and started here.
// Kept out of `npm test` (the root vitest.config.ts excludes this folder): they need Go and its build cache.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: `${import.meta.dirname}/../..`,
    include: ["test/control-plane/**/*.test.ts"],
    globalSetup: ["test/control-plane/global-setup.ts"],
    pool: "forks",
    // One control plane at a time: each is an etcd and an API server on a 2-core machine.
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
