/**
 * Runs once before the whole suite: installs the Debian tools the tests need when they are
 * missing (root only; otherwise a clear message), so parallel test files never race apt; resolves
 * the nats-server and promtool this run uses (a version named by `NATS_SERVER_VERSION` /
 * `PROMTOOL_VERSION` must be in the cache, or the run stops here) and prints their versions.
 */
import { ensureDebianTool, CHROMIUM, PROMETHEUS, SHELLCHECK } from "../../testkit/debian-tools.js";
import { reportedVersion, resolveToolBinary } from "../../testkit/tool-cache.js";
import type { VersionedCommand } from "../../testkit/tool-versions.js";

export default function setup(): void {
  const log = (line: string): void => console.log(line);
  for (const tool of [PROMETHEUS, CHROMIUM, SHELLCHECK]) ensureDebianTool(tool, log);
  const versions = (["nats-server", "promtool"] as const satisfies readonly VersionedCommand[]).map(
    (command) => {
      const binary = resolveToolBinary(command, process.env, log);
      return `${command} ${reportedVersion(binary) ?? "(unknown version)"} (${binary})`;
    },
  );
  console.log(`servers under test: ${versions.join("; ")}`);
}
