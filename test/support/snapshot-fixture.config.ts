/**
 * Config of the throwaway project `test/delivery/snapshot-policy.test.ts` runs vitest on (given with
 * `--root <temporary dir>`): the suite's snapshot policy and nothing else.
 */
import { defineConfig } from "vitest/config";
import { SNAPSHOT_POLICY } from "./snapshot-policy.js";

export default defineConfig({
  test: {
    include: ["*.test.ts"],
    globals: true,
    reporters: ["default", SNAPSHOT_POLICY.reporter],
    update: SNAPSHOT_POLICY.update,
  },
});
