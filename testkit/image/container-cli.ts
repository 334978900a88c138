/**
 * Running buildah, podman and mmdebstrap for the local image test: as root directly, otherwise
 * through passwordless `sudo -n` (GitHub runners), with the flags a sandbox without a Docker
 * engine needs. Everything here is probed, and a failure says exactly what is missing.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createInterface } from "node:readline";
import { ensureDebianTool, type DebianTool } from "../debian-tools.js";

/** Debian packages the image test needs (runc: crun cannot run in a cgroup v1/v2 hybrid host). */
export const IMAGE_TOOLS: readonly DebianTool[] = [
  { command: "buildah", debianPackage: "buildah", neededFor: "building the image in the image test" },
  { command: "podman", debianPackage: "podman", neededFor: "running the image in the image test" },
  { command: "runc", debianPackage: "runc", neededFor: "the OCI runtime podman uses in the image test" },
  {
    command: "mmdebstrap",
    debianPackage: "mmdebstrap",
    neededFor: "the local Debian base of the image test",
  },
];

/** How commands get root. */
export interface Privilege {
  /** Prefix for commands that need root: `[]` as root, `["sudo", "-n"]` with passwordless sudo. */
  readonly prefix: readonly string[];
}

function which(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

/** Root directly or through passwordless sudo; otherwise the reason (a string) why the image test cannot run. */
export function detectPrivilege(): Privilege | string {
  if (typeof process.getuid === "function" && process.getuid() === 0) return { prefix: [] };
  if (which("sudo") && spawnSync("sudo", ["-n", "true"]).status === 0) return { prefix: ["sudo", "-n"] };
  return "the image test builds a root filesystem and runs containers: it needs root or passwordless sudo";
}

/** `[command, args]` for spawning `argv` with the privilege prefix. */
export function privileged(privilege: Privilege, argv: readonly string[]): [string, string[]] {
  const [command, ...args] = [...privilege.prefix, ...argv];
  if (command === undefined) throw new Error("empty command");
  return [command, args];
}

/** Install missing tools (apt-get, as root or through sudo); returns a reason string when it cannot. */
export function ensureImageTools(privilege: Privilege, log: (line: string) => void): string | undefined {
  const missing = IMAGE_TOOLS.filter((tool) => !which(tool.command));
  if (missing.length === 0) return undefined;
  if (privilege.prefix.length === 0) {
    for (const tool of missing) ensureDebianTool(tool, log);
    return undefined;
  }
  if (!which("apt-get"))
    return `missing ${missing.map((t) => t.command).join(", ")} and no apt-get to install them`;
  const packages = missing.map((t) => t.debianPackage);
  log(`installing ${packages.join(", ")} with sudo apt-get…`);
  const env = ["env", "DEBIAN_FRONTEND=noninteractive"];
  run([...privilege.prefix, ...env, "apt-get", "update", "-qq"]);
  run([
    ...privilege.prefix,
    ...env,
    "apt-get",
    "install",
    "-y",
    "-qq",
    "--no-install-recommends",
    ...packages,
  ]);
  const still = missing.filter((tool) => !which(tool.command));
  return still.length === 0 ? undefined : `apt-get did not provide ${still.map((t) => t.command).join(", ")}`;
}

/** Run a command; throw with its output when it fails. */
export function run(
  argv: readonly string[],
  options: { readonly input?: string; readonly timeoutMs?: number } = {},
): SpawnSyncReturns<string> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error("empty command");
  const result = spawnSync(command, args, {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 600_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
    throw new Error(
      `\`${argv.join(" ")}\` failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${output}`,
    );
  }
  return result;
}

/**
 * Run a long command (a build), handing each line of its stdout and stderr to `log` as it comes,
 * so progress shows while it runs; reject with the last lines when it fails or times out.
 */
export async function runStreaming(
  argv: readonly string[],
  options: { readonly log: (line: string) => void; readonly timeoutMs?: number },
): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error("empty command");
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on("line", (line) => {
      options.log(line);
      tail.push(line);
      if (tail.length > 40) tail.shift();
    });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 900_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  }).finally(() => clearTimeout(timer));
  if (code !== 0)
    throw new Error(
      `\`${argv.join(" ")}\` failed (${code === null ? signal : `exit ${code}`}):\n${tail.join("\n")}`,
    );
}

/** Hard limit of this process for `ulimit -H<flag>` (undefined when unlimited). */
function hardLimit(flag: "n" | "u"): number | undefined {
  const out = spawnSync("sh", ["-c", `ulimit -H${flag}`], { encoding: "utf8" }).stdout.trim();
  return /^\d+$/.test(out) ? Number(out) : undefined;
}

/**
 * `--ulimit` flags: podman/buildah otherwise ask for limits above this process's hard limit,
 * which fails without CAP_SYS_RESOURCE (sandboxes, some CI containers).
 */
export function ulimitFlags(): string[] {
  const nofile = Math.min(hardLimit("n") ?? 65_536, 65_536);
  const nproc = Math.min(hardLimit("u") ?? 4096, 4096);
  return ["--ulimit", `nofile=${nofile}:${nofile}`, "--ulimit", `nproc=${nproc}:${nproc}`];
}

/** `buildah bud` flags: chroot isolation needs neither user namespaces nor cgroups. */
export function buildahBuildFlags(): string[] {
  return ["--isolation", "chroot", "--network", "host", ...ulimitFlags()];
}

/** `podman run` flags: runc (works with hybrid cgroups, unlike crun), host network, bounded limits. */
export function podmanGlobalFlags(): string[] {
  return ["--runtime", "runc", "--cgroup-manager", "cgroupfs"];
}
