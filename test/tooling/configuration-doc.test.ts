/** docs/configuration.md is what the apps' contracts render now (like dist-manifests/ and synth). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMON_RULES } from "../../src/runtime/config/common-contract.js";
import type { AppContract, Settings } from "../../src/runtime/config/contract.js";
import { integer } from "../../src/runtime/config/setting.js";
import { CONFIGURATION_DOC_PATH, renderConfigurationDoc } from "../../tooling/configuration-doc.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { CONSUMER_CONTRACT } from "../../src/apps/consumer/contract.js";

describe("docs/configuration.md", () => {
  it("is fresh: the committed file equals what the contracts render (`npm run docs`)", () => {
    const committed = readFileSync(join(REPO_ROOT, CONFIGURATION_DOC_PATH), "utf8");
    expect(committed).toBe(renderConfigurationDoc());
  });

  it("changes with the contract (so the freshness check can fail)", () => {
    const changed = {
      ...CONSUMER_CONTRACT,
      settings: {
        ...CONSUMER_CONTRACT.settings,
        BATCH_SIZE: integer({
          min: 1,
          max: 1000,
          default: 20,
          description: "Messages requested per pull",
          example: "10",
        }),
      },
      rules: COMMON_RULES,
    } as unknown as AppContract<Settings>;
    const doc = renderConfigurationDoc([changed]);
    expect(doc).not.toBe(renderConfigurationDoc());
    expect(doc).toContain(
      "| `BATCH_SIZE` | both | `20` | an integer from 1 to 1000 | Messages requested per pull | `10` |",
    );
  });

  it("lists every variable, rule and retired variable of both contracts", () => {
    const doc = renderConfigurationDoc();
    for (const name of Object.keys(CONSUMER_CONTRACT.settings)) expect(doc).toContain(`| \`${name}\` |`);
    for (const rule of CONSUMER_CONTRACT.rules) expect(doc).toContain(rule.description);
    expect(doc).toContain("| `RATE` | producer | is not read: use RATE_PER_SECOND (messages per second) |");
  });
});
