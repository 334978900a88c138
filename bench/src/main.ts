/**
 * `npm run bench`: measure the apps against raw-client baselines on this machine, print a table,
 * write the results JSON (and, with --record, a dated record to commit). Exit 1 when a scenario
 * failed (the numbers are never a pass/fail: a missed target is shown, not fatal), 2 on a bad flag.
 * The apps are built after the flags are read, so `--help` answers at once.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { format, resolveConfig } from "prettier";
import { runBench } from "./bench.js";
import { parseBenchOptions } from "./options.js";
import { repoRoot } from "./paths.js";
import { killAllChildren } from "./processes.js";
import { renderTable } from "./report.js";
import { runCli } from "../../tooling/cli.js";
import { buildApps } from "../../tooling/run-build.js";

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  if (!options.skipBuild) buildApps();
  const log = options.verbose ? (line: string) => console.error(line) : () => {};
  const results = await runBench(options, log);
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const out = isAbsolute(options.out) ? options.out : join(repoRoot, options.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, json);
  console.log(renderTable(results));
  console.log(`\nresults: ${out}`);
  if (options.record) {
    const record = join(repoRoot, "bench", "records", `${results.machine.date.slice(0, 10)}.json`);
    await mkdir(dirname(record), { recursive: true });
    // Committed: formatted the way `npm run lint` (prettier --check) expects.
    const config = (await resolveConfig(record)) ?? {};
    await writeFile(record, await format(json, { ...config, filepath: record }));
    console.log(`record: ${record}`);
  }
  return results.errors.length > 0 ? 1 : 0;
}

// Interrupted (Ctrl-C, a timeout): leave no broker or app process behind.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });

runCli("bench", main);
