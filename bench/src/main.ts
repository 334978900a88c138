/**
 * `npm run bench`: measure the apps against raw-client baselines on this machine, print a table,
 * write the results JSON (and, with --record, a dated record to commit and the peak memory figures
 * the manifests' limits derive from, cdk8s/data/peak-rss.json). Exit 1 when a scenario
 * failed (the numbers are never a pass/fail: a missed target is shown, not fatal), 2 on a bad flag.
 * The apps are built after the flags are read, so `--help` answers at once.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { format, resolveConfig } from "prettier";
import { PEAK_RSS_FILE } from "../../cdk8s/lib/memory-limits.js";
import { runBench } from "./bench.js";
import { parseBenchOptions } from "./options.js";
import { repoRoot } from "./paths.js";
import { peakRssFigures } from "./peak-rss.js";
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
    // The manifests' memory limits derive from these figures (cdk8s/lib/memory-limits.ts).
    const peaks = peakRssFigures(results, relative(repoRoot, record).split(sep).join("/"));
    if ("figures" in peaks) {
      await writeFile(PEAK_RSS_FILE, `${JSON.stringify(peaks.figures, null, 2)}\n`);
      console.log(`memory figures: ${PEAK_RSS_FILE} (run npm run synth)`);
    } else console.log(`memory figures kept: the record lacks ${peaks.missing.join(", ")}`);
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
