/**
 * The server versions production deploys are the versions the tests run: the matrix
 * `npm run test:broker-versions` runs, derived from the pinned charts' facts, covers the NATS
 * chart's nats-server line and the Prometheus major kube-prometheus-stack deploys, and a version
 * selection that cannot be served fails with the command that fixes it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import semver from "semver";
import { afterAll, describe, expect, it } from "vitest";
import { BROKER_SUITES, brokerVersionMatrix, PROMTOOL_SUITES } from "../../testkit/broker-version-matrix.js";
import { deployedServers } from "../../testkit/deployed-servers.js";
import { resolveToolBinary, ToolVersionError } from "../../testkit/tool-cache.js";
import { TOOL_VERSIONS } from "../../testkit/tool-versions.js";

const emptyCache = mkdtempSync(join(tmpdir(), "tool-cache-"));
afterAll(() => rmSync(emptyCache, { recursive: true, force: true }));

const line = (v: string): string => `${semver.coerce(v)!.major}.${semver.coerce(v)!.minor}`;

describe("server versions under test", () => {
  const deployed = deployedServers();
  const { runs, problems } = brokerVersionMatrix(deployed);

  it("runs the broker suites on the NATS chart's nats-server line and on the newest", () => {
    expect(problems).toEqual([]);
    const nats = runs.filter((r) => r.tool.command === "nats-server");
    expect(nats.map((r) => line(r.tool.version))).toContain(line(deployed.natsChart.appVersion));
    const newest = TOOL_VERSIONS.filter((t) => t.command === "nats-server")
      .map((t) => t.version)
      .sort(semver.rcompare)[0];
    expect(nats.map((r) => r.tool.version)).toContain(newest);
    expect(nats.length).toBeGreaterThanOrEqual(2);
    for (const run of nats) expect(run.suites).toEqual(BROKER_SUITES);
  });

  it("runs the alert rules on the Prometheus major kube-prometheus-stack deploys", () => {
    const promtool = runs.filter((r) => r.tool.command === "promtool");
    expect(promtool.map((r) => semver.major(r.tool.version))).toEqual([
      semver.coerce(deployed.prometheusChart.prometheusVersion)!.major,
    ]);
    expect(promtool[0]!.suites).toEqual(PROMTOOL_SUITES);
  });

  it("names a deployed version no suite runs (negative control)", () => {
    const untested = brokerVersionMatrix({
      natsChart: { version: "9.0.0", appVersion: "9.1.0" },
      prometheusChart: { version: "99.0.0", prometheusVersion: "v4.0.0" },
    });
    expect(untested.problems).toHaveLength(2);
    expect(untested.problems[0]).toMatch(
      /NATS chart 9\.0\.0 ships nats-server 9\.1\.0 .* no nats-server of the 9\.1 line/,
    );
    expect(untested.problems[1]).toMatch(/deploys Prometheus v4\.0\.0 .* no promtool of major 4/);
  });
});

describe("selecting a version", () => {
  it("an unknown version fails naming the known ones", () => {
    expect(() =>
      resolveToolBinary("nats-server", { NATS_SERVER_VERSION: "1.0.0", TOOL_VERSIONS_CACHE: emptyCache }),
    ).toThrow(/NATS_SERVER_VERSION=1\.0\.0: no nats-server 1\.0\.0 .*known: .*2\.15\.1/);
  });

  it("a known version missing from the cache fails naming the install command", () => {
    let error: unknown;
    try {
      resolveToolBinary("promtool", { PROMTOOL_VERSION: "3.5.3", TOOL_VERSIONS_CACHE: emptyCache });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ToolVersionError);
    expect((error as Error).message).toContain("npm run tool-versions -- install promtool@3.5.3");
  });
});
