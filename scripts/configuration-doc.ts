/**
 * Write docs/configuration.md from the apps' contracts (`npm run docs`), or with `--check` fail
 * when the committed file differs from what the contracts render now.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseCli, runCli } from "../tooling/cli.js";
import { CONFIGURATION_DOC_PATH, renderConfigurationDoc } from "../tooling/configuration-doc.js";
import { REPO_ROOT } from "../tooling/repo-root.js";

runCli("docs", async () => {
  const { values } = parseCli(
    {
      usage: "npm run docs [-- --check]",
      description: `Write ${CONFIGURATION_DOC_PATH} from the apps' configuration contracts.`,
      options: {
        check: {
          type: "boolean",
          default: false,
          help: "write nothing; exit 1 when the committed file differs from the contracts",
        },
      },
    },
    process.argv.slice(2),
  );
  const path = join(REPO_ROOT, CONFIGURATION_DOC_PATH);
  const wanted = renderConfigurationDoc();
  const current = await readFile(path, "utf8").catch(() => undefined);
  if (values.check) {
    if (current !== wanted) {
      console.error(`${CONFIGURATION_DOC_PATH} is stale. Run \`npm run docs\`.`);
      return 1;
    }
    console.log(`${CONFIGURATION_DOC_PATH} is up to date`);
    return 0;
  }
  await writeFile(path, wanted);
  console.log(`wrote ${CONFIGURATION_DOC_PATH}${current === wanted ? " (unchanged)" : ""}`);
  return 0;
});
