/**
 * Write the generated Grafana dashboards to `dashboards/*.json` (`npm run dashboards`), or with
 * `--check` fail when a committed file differs from what the generator makes now.
 */
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDashboards } from "../dashboards/src/index.js";
import { parseCli, runCli } from "../tooling/cli.js";

const DASHBOARDS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "dashboards");

async function main(check: boolean): Promise<number> {
  const generated = generateDashboards();
  const wanted = new Set(generated.map((d) => d.fileName));
  const existing = (await readdir(DASHBOARDS_DIR)).filter((name) => name.endsWith(".json"));
  const stale: string[] = [];
  for (const { fileName, json } of generated) {
    const path = join(DASHBOARDS_DIR, fileName);
    const current = await readFile(path, "utf8").catch(() => undefined);
    if (current === json) continue;
    stale.push(fileName);
    if (!check) await writeFile(path, json);
  }
  for (const name of existing.filter((n) => !wanted.has(n))) {
    stale.push(`${name} (not generated)`);
    if (!check) await rm(join(DASHBOARDS_DIR, name));
  }
  if (check && stale.length > 0) {
    console.error(`dashboards are stale: ${stale.join(", ")}. Run \`npm run dashboards\`.`);
    return 1;
  }
  console.log(
    check
      ? `dashboards are up to date (${generated.length})`
      : `wrote ${generated.length} dashboards to dashboards/ (${stale.length} changed)`,
  );
  return 0;
}

runCli("dashboards", async () => {
  const { values } = parseCli(
    {
      usage: "npm run dashboards [-- --check]",
      description: "Write the generated Grafana dashboards to dashboards/*.json.",
      options: {
        check: {
          type: "boolean",
          default: false,
          help: "write nothing; exit 1 when a committed dashboard differs from the generator",
        },
      },
    },
    process.argv.slice(2),
  );
  return main(values.check);
});
