/**
 * Make sure a command from a Debian package is on PATH. When it is missing and we are root on a
 * Debian-like system, install the package with apt-get; otherwise fail with the command to run.
 * Used by the local run and the test suite's global setup, so a fresh machine needs nothing by hand.
 */
import { spawnSync } from "node:child_process";

export interface DebianTool {
  /** Command that must be on PATH, e.g. `nats-server`. */
  readonly command: string;
  /** Debian package that provides it, e.g. `nats-server`. */
  readonly debianPackage: string;
  /** What it is needed for, for the error message. */
  readonly neededFor: string;
}

/** A tool whose Debian package is named like its command unless `debianPackage` says otherwise. */
function debianTool(command: string, neededFor: string, debianPackage: string = command): DebianTool {
  return { command, debianPackage, neededFor };
}

export const NATS_SERVER = debianTool(
  "nats-server",
  "the local run and the integration tests (a real NATS JetStream server on 127.0.0.1)",
);

export const PROMTOOL = debianTool("promtool", "the alert rule tests (promtool test rules)", "prometheus");

export const PROMETHEUS = debianTool(
  "prometheus",
  "the local run's Prometheus (dashboards and alerts evaluated live) and its tests",
);

export const CHROMIUM = debianTool(
  "chromium",
  "the local dashboard page's test (headless Chromium driven by playwright-core)",
);

export const SHELLCHECK = debianTool(
  "shellcheck",
  "the workflow tests (every `run:` block of .github/workflows checked by shellcheck)",
);

function which(command: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return found.status === 0 && found.stdout.trim() !== "" ? found.stdout.trim() : undefined;
}

let aptUpdated = false;

/** Return the tool's path, installing its Debian package first when missing and allowed. */
export function ensureDebianTool(tool: DebianTool, log: (line: string) => void = () => {}): string {
  const existing = which(tool.command);
  if (existing !== undefined) return existing;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || which("apt-get") === undefined) {
    throw new Error(
      `${tool.command} is not installed; it is needed for ${tool.neededFor}. ` +
        `Install it with \`sudo apt-get install ${tool.debianPackage}\` (Debian/Ubuntu) or put it on PATH, then run this again.`,
    );
  }
  log(`${tool.command} not found: installing the Debian package ${tool.debianPackage} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const stdio: ["ignore", "inherit", "inherit"] = ["ignore", "inherit", "inherit"];
  if (!aptUpdated) {
    if (spawnSync("apt-get", ["update", "-qq"], { stdio, env }).status !== 0)
      throw new Error("apt-get update failed (see above)");
    aptUpdated = true;
  }
  const install = spawnSync(
    "apt-get",
    ["install", "-y", "-qq", "--no-install-recommends", tool.debianPackage],
    { stdio, env },
  );
  const installed = which(tool.command);
  if (install.status !== 0 || installed === undefined) {
    throw new Error(`apt-get install ${tool.debianPackage} failed (see above)`);
  }
  return installed;
}
