/** The results as a plain-text table (also valid Markdown), with the machine and the noise verdict. */
import type { BenchResults, Comparison } from "./results.js";
import type { Summary } from "./stats.js";

function num(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** `median [min–max]` */
function cell(s: Summary): string {
  return s.n === 1 ? num(s.median) : `${num(s.median)} [${num(s.min)}–${num(s.max)}]`;
}

function verdict(ok: boolean, informative = false): string {
  return informative ? "" : ok ? "ok" : "MISSED";
}

/** Render the results. */
export function renderTable(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [];
  lines.push(`Bench ${m.date} — Node ${m.node}, ${m.cpuModel}, ${m.cores} cores, ${m.memoryMebibytes} MiB`);
  lines.push(
    `load average ${m.loadAverage.join(" / ")} at start, ${results.loadAverageEnd.join(" / ")} at end; ` +
      `${results.options.runs} run(s), ${results.options.messages} messages per throughput run, ${results.durationSeconds} s`,
  );
  const n = results.noise;
  lines.push(
    `calibration loop ${num(n.calibrationBefore.median)} ms before, ` +
      (n.calibrationDuring ? `${cell(n.calibrationDuring)} ms during, ` : "") +
      `${num(n.calibrationAfter.median)} ms after ` +
      `(CV ${(n.calibrationCv * 100).toFixed(1)}%, drift ${((n.drift - 1) * 100).toFixed(1)}%); ` +
      `raw baseline CV max ${(n.baselineCvMax * 100).toFixed(1)}%`,
  );
  if (n.noisy)
    lines.push(`*** NOISY MACHINE: ${n.reasons.join("; ")} — compare ratios, not absolute numbers ***`);
  lines.push("");
  lines.push("| broker | metric | app median [min–max] | raw baseline | ratio app/raw | target | |");
  lines.push("| --- | --- | --- | --- | --- | --- | --- |");
  const row = (broker: string, metric: string, c: Comparison | undefined, informative = false): void => {
    if (!c) return;
    lines.push(
      `| ${broker} | ${metric} (${c.unit}) | ${cell(c.app)} | ${cell(c.raw)} | ${c.ratio.toFixed(2)} | ${c.target} | ${verdict(c.meetsTarget, informative)} |`,
    );
  };
  for (const [broker, r] of Object.entries(results.brokers)) {
    row(broker, "consumer throughput", r.consumerThroughput);
    row(broker, "consumer throughput vs raw awaiting each ack", r.consumerThroughputConfirmedAck, true);
    for (const g of r.consumerGroup ?? []) {
      row(broker, `consumer group of ${g.size} processes`, g);
      lines.push(
        `| ${broker} | … scaling vs the smallest group (×) | ${num(g.appScaling)} | ${num(g.rawScaling)} | ${(g.appScaling / g.rawScaling).toFixed(2)} | informative | |`,
      );
    }
    for (const m of r.manifestSettings ?? [])
      lines.push(
        `| ${broker} | consumer at the ${m.environment} settings, CONCURRENCY ${m.concurrency}, WORK_TIME_MS ${m.workTimeMs} (msg/s) | ${cell(m.achieved)} | ideal ${num(m.ideal)} | ${m.ratio.toFixed(2)} (achieved/ideal) | informative | |`,
      );
    row(broker, "producer throughput", r.producerThroughput);
    for (const rate of r.rateAccuracy ?? [])
      lines.push(
        `| ${broker} | producer rate @ ${rate.targetPerSecond} msg/s (msg/s) | ${cell(rate.achieved)} | target ${rate.targetPerSecond} | ${rate.ratio.toFixed(4)} (achieved/target) | ${rate.target} | ${verdict(rate.meetsTarget)} |`,
      );
    row(broker, `latency p50 @ ${results.options.latencyRate} msg/s`, r.latencyP50, true);
    row(broker, `latency p99 @ ${results.options.latencyRate} msg/s`, r.latencyP99);
    row(broker, "consumer cold start: spawn → first message", r.coldStart);
    if (r.coldStart)
      lines.push(
        `| ${broker} | bare \`node -e ""\` spawn → exit (ms) | | ${cell(r.coldStart.nodeFloor)} | | floor | |`,
      );
    row(broker, "consumer SIGTERM → exit, idle", r.idleDrain);
    row(broker, "consumer peak RSS", r.peakRssConsumer);
    row(broker, "producer peak RSS", r.peakRssProducer, true);
  }
  for (const e of results.errors)
    lines.push(`| ${e.broker} | ${e.scenario} | FAILED: ${e.message.split("\n")[0]} | | | | |`);
  if (n.noisy) lines.push(`\nNOISY MACHINE: ${n.reasons.join("; ")}`);
  return lines.join("\n");
}
