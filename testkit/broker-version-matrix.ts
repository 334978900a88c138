/**
 * Which server versions `npm run test:broker-versions` runs, derived from what production deploys:
 * the nats-server line the pinned NATS chart ships (its appVersion) and the newest nats-server in
 * the catalogue, each under the broker suites; and a promtool of the Prometheus major the pinned
 * kube-prometheus-stack deploys, under the alert-rule tests. A deployed line with no catalogue
 * version is a problem: the run stops before any test and names it.
 */
import semver from "semver";
import { TOOL_VERSIONS, type ToolVersion } from "./tool-versions.js";

/** The broker suites: contract, the /jsz reader, pipeline faults, cluster faults and queue depth, scaling. */
export const BROKER_SUITES: readonly string[] = [
  "test/integration/broker/nats.test.ts",
  "test/integration/broker/jsz-output.test.ts",
  "test/integration/apps/nats.test.ts",
  "test/integration/cluster",
  "test/integration/apps/scaling-nats.test.ts",
];

/** The alert rules and every shipped PromQL expression through promtool. */
export const PROMTOOL_SUITES: readonly string[] = [
  "test/observability/rules.test.ts",
  "test/observability/promql-parse.test.ts",
];

/** One test run: a server version and the suites it runs. */
export interface VersionRun {
  readonly tool: ToolVersion;
  /** Why this version runs, e.g. "the NATS chart 2.14.2 ships nats-server 2.14.2". */
  readonly reason: string;
  readonly suites: readonly string[];
}

/** What production deploys, read from the pinned charts' facts. */
export interface DeployedServers {
  /** The NATS chart's version and appVersion (the nats-server it ships). */
  readonly natsChart: { readonly version: string; readonly appVersion: string };
  /** kube-prometheus-stack's version and the Prometheus version it deploys. */
  readonly prometheusChart: { readonly version: string; readonly prometheusVersion: string };
}

function newest(tools: readonly ToolVersion[]): ToolVersion | undefined {
  return [...tools].sort((a, b) => semver.rcompare(a.version, b.version))[0];
}

function line(version: string): string {
  const parsed = semver.coerce(version);
  return parsed === null ? version : `${parsed.major}.${parsed.minor}`;
}

/** The runs for `deployed`, or the problems that leave a deployed version untested. */
export function brokerVersionMatrix(
  deployed: DeployedServers,
  catalogue: readonly ToolVersion[] = TOOL_VERSIONS,
): { readonly runs: readonly VersionRun[]; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const runs: VersionRun[] = [];
  const nats = catalogue.filter((t) => t.command === "nats-server");
  const chartLine = line(deployed.natsChart.appVersion);
  const chartTool = newest(nats.filter((t) => line(t.version) === chartLine));
  if (chartTool === undefined)
    problems.push(
      `the NATS chart ${deployed.natsChart.version} ships nats-server ${deployed.natsChart.appVersion} ` +
        `and testkit/tool-versions.ts has no nats-server of the ${chartLine} line: add one`,
    );
  else
    runs.push({
      tool: chartTool,
      reason: `the NATS chart ${deployed.natsChart.version} ships nats-server ${deployed.natsChart.appVersion}`,
      suites: BROKER_SUITES,
    });
  const newestTool = newest(nats);
  if (newestTool !== undefined && newestTool !== chartTool)
    runs.push({ tool: newestTool, reason: "the newest nats-server in the catalogue", suites: BROKER_SUITES });

  const prometheusMajor = semver.coerce(deployed.prometheusChart.prometheusVersion)?.major;
  const promtool = newest(
    catalogue.filter((t) => t.command === "promtool" && semver.coerce(t.version)?.major === prometheusMajor),
  );
  if (promtool === undefined)
    problems.push(
      `kube-prometheus-stack ${deployed.prometheusChart.version} deploys Prometheus ` +
        `${deployed.prometheusChart.prometheusVersion} and testkit/tool-versions.ts has no promtool ` +
        `of major ${prometheusMajor}: add one`,
    );
  else
    runs.push({
      tool: promtool,
      reason:
        `kube-prometheus-stack ${deployed.prometheusChart.version} deploys Prometheus ` +
        `${deployed.prometheusChart.prometheusVersion}`,
      suites: PROMTOOL_SUITES,
    });
  return { runs, problems };
}
