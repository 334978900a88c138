/**
 * `npm run test:broker-versions`: the broker suites on the nats-server line the pinned NATS chart
 * ships and on the newest nats-server, and the alert-rule tests on a promtool of the Prometheus
 * major kube-prometheus-stack deploys (testkit/broker-version-matrix.ts). Each version is
 * installed into the user cache when missing (testkit/tool-cache.ts), each run prints the
 * versions it used, and a summary lists every version with its result. A deployed version with no
 * run stops everything before the first test (exit 1).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { brokerVersionMatrix } from "../testkit/broker-version-matrix.js";
import { parseCli, runCli } from "../tooling/cli.js";
import { deployedServers } from "../testkit/deployed-servers.js";
import { REPO_ROOT } from "../tooling/repo-root.js";
import { installTool } from "../testkit/tool-cache.js";
import { VERSION_ENV } from "../testkit/tool-versions.js";

runCli("test:broker-versions", () => {
  parseCli(
    {
      usage: "npm run test:broker-versions",
      description:
        "Run the broker suites on the NATS chart's nats-server line and on the newest, and the alert rules on the deployed Prometheus major.",
      options: {},
    },
    process.argv.slice(2),
  );
  const { runs, problems } = brokerVersionMatrix(deployedServers());
  if (problems.length > 0) {
    for (const problem of problems) console.error(`untested deployed version: ${problem}`);
    return 1;
  }
  const vitest = join(REPO_ROOT, "node_modules", "vitest", "vitest.mjs");
  const results: string[] = [];
  let failed = 0;
  for (const run of runs) {
    const binary = installTool(run.tool, undefined, (line) => console.log(line));
    const variable = VERSION_ENV[run.tool.command];
    console.log(`\n=== ${run.tool.command} ${run.tool.version} (${run.reason}): ${binary}`);
    const started = Date.now();
    const result = spawnSync(process.execPath, [vitest, "run", ...run.suites], {
      stdio: "inherit",
      cwd: REPO_ROOT,
      env: { ...process.env, [variable]: run.tool.version },
    });
    const ok = result.status === 0;
    if (!ok) failed += 1;
    results.push(
      `${run.tool.command} ${run.tool.version}  ${ok ? "passed" : "FAILED"}  ${((Date.now() - started) / 1000).toFixed(0)} s  ` +
        `${run.reason}; ${run.suites.join(" ")}`,
    );
  }
  console.log(`\nserver versions tested:\n${results.map((r) => `  ${r}`).join("\n")}`);
  return failed === 0 ? 0 : 1;
});
