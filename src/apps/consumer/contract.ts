/**
 * The consumer's environment contract: the common variables plus concurrency, batch size, simulated
 * work, drain and retry timing, and the optional effect sink directory. The one place their names,
 * defaults and ranges live (the manifests, the bench and docs/configuration.md derive from it).
 */
import { COMMON_RULES, COMMON_SETTINGS } from "../../runtime/config/common-contract.js";
import type { AppContract } from "../../runtime/config/contract.js";
import { choice, integer, text } from "../../runtime/config/setting.js";
import { FILE_SINK_EFFECTS, type FileSinkEffect } from "./file-effect-sink.js";

export const CONSUMER_SETTINGS = {
  ...COMMON_SETTINGS,
  CONCURRENCY: integer({
    min: 1,
    max: 1024,
    default: 1,
    description: "Messages processed at once (1: strictly in order)",
    example: "4",
  }),
  BATCH_SIZE: integer({
    min: 1,
    max: 1000,
    default: 10,
    description: "Messages requested per pull",
    example: "10",
  }),
  WORK_TIME_MS: integer({
    min: 0,
    default: 0,
    description: "Simulated work per message (ms)",
    example: "0",
  }),
  DRAIN_TIMEOUT_MS: integer({
    min: 100,
    default: 20_000,
    description:
      "On SIGTERM: time to finish in-flight messages and close (ms); the pod's grace period must exceed it",
    example: "20000",
  }),
  RETRY_DELAY_MS: integer({
    min: 0,
    default: 1_000,
    description: "Redelivery delay of a message whose processing failed (ms)",
    example: "1000",
  }),
  SINK_DIR: text({
    optional: true,
    description: "Directory of the idempotent file effect sink (default: an in-memory seen-set)",
    example: "/tmp/effects",
    defaultNote: "unset",
  }),
  SINK_EFFECT: choice<FileSinkEffect>({
    choices: FILE_SINK_EFFECTS,
    default: "idempotent",
    description:
      "With SINK_DIR: idempotent (one atomic link per id), or ledger, a deliberately non-idempotent effect for the tests' negative controls",
    example: "idempotent",
  }),
} as const;

export const CONSUMER_CONTRACT: AppContract<typeof CONSUMER_SETTINGS> = {
  app: "consumer",
  settings: CONSUMER_SETTINGS,
  rules: [
    ...COMMON_RULES,
    {
      variables: ["SINK_DIR"],
      description: "SINK_DIR, when set, is not blank (unset it for the in-memory sink)",
      check: (v) =>
        v.SINK_DIR !== undefined && v.SINK_DIR.trim() === ""
          ? [{ name: "SINK_DIR", message: "is blank: unset it for the in-memory sink, or name a directory" }]
          : [],
    },
  ],
  retired: {},
};
