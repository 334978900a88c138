/**
 * Write docs/configuration.md from the apps' contracts (`npm run docs`), or with `--check` fail
 * when the committed file differs from what the contracts render now.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CONFIGURATION_DOC_PATH, renderConfigurationDoc } from "./lib/configuration-doc.js";
import { REPO_ROOT } from "./lib/repo-root.js";

const path = join(REPO_ROOT, CONFIGURATION_DOC_PATH);
const wanted = renderConfigurationDoc();
const current = await readFile(path, "utf8").catch(() => undefined);
if (process.argv.includes("--check")) {
  if (current !== wanted) {
    console.error(`${CONFIGURATION_DOC_PATH} is stale. Run \`npm run docs\`.`);
    process.exitCode = 1;
  } else console.log(`${CONFIGURATION_DOC_PATH} is up to date`);
} else {
  await writeFile(path, wanted);
  console.log(`wrote ${CONFIGURATION_DOC_PATH}${current === wanted ? " (unchanged)" : ""}`);
}
