/**
 * Exact server versions in the user cache, beside the machine's own: a Debian package of a newer
 * suite is fetched with a private apt state (its own sources list, lists and archive folders under
 * the cache, so the system's packages and indexes are untouched) and unpacked with `dpkg-deb -x`;
 * a Go module is built with `go install` into the cache. A version is selected by its environment
 * variable (`NATS_SERVER_VERSION`, `PROMTOOL_VERSION`); unset, the command on PATH is used.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { ensureDebianTool, NATS_SERVER, PROMTOOL, type DebianTool } from "./debian-tools.js";
import {
  findToolVersion,
  TOOL_VERSIONS,
  VERSION_ENV,
  type DebianPackageSource,
  type GoModuleSource,
  type ToolVersion,
  type VersionedCommand,
} from "./tool-versions.js";

/** Cache root: $TOOL_VERSIONS_CACHE or ~/.cache/keda-event-pipeline/tools. */
export function toolCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.TOOL_VERSIONS_CACHE ?? join(homedir(), ".cache", "keda-event-pipeline", "tools");
}

/** Where the binary of `tool` lives in the cache. */
export function cachedBinaryPath(tool: ToolVersion, root: string = toolCacheRoot()): string {
  return join(root, tool.command, tool.version, tool.command);
}

const DEBIAN_TOOL: Readonly<Record<VersionedCommand, DebianTool>> = {
  "nats-server": NATS_SERVER,
  promtool: PROMTOOL,
};

/** The version `<binary> --version` prints (first x.y.z), or undefined. */
export function reportedVersion(binary: string): string | undefined {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 10_000 });
  return /(\d+\.\d+\.\d+)/.exec(`${result.stdout}${result.stderr}`)?.[1];
}

/** A version selection that cannot be served. Its message says what to run. */
export class ToolVersionError extends Error {}

/**
 * The binary of `command` for this run: the cached build of the version the environment variable
 * names, or the one on PATH (installed from the machine's Debian when missing and allowed). A named
 * version that is unknown or not in the cache throws a `ToolVersionError` naming the fix.
 */
export function resolveToolBinary(
  command: VersionedCommand,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => {},
): string {
  const variable = VERSION_ENV[command];
  const wanted = env[variable];
  if (wanted === undefined || wanted === "") return ensureDebianTool(DEBIAN_TOOL[command], log);
  const tool = findToolVersion(command, wanted);
  if (tool === undefined) {
    const known = TOOL_VERSIONS.filter((t) => t.command === command).map((t) => t.version);
    throw new ToolVersionError(
      `${variable}=${wanted}: no ${command} ${wanted} in testkit/tool-versions.ts (known: ${known.join(", ")})`,
    );
  }
  const binary = cachedBinaryPath(tool, toolCacheRoot(env));
  if (!existsSync(binary))
    throw new ToolVersionError(
      `${variable}=${wanted}: ${command} ${wanted} is not installed in ${dirname(binary)}; ` +
        `run \`npm run tool-versions -- install ${command}@${wanted}\` first`,
    );
  return binary;
}

/** The first Debian archive URI the machine's apt uses (deb.debian.org when none is found). */
export function debianMirror(): string {
  const files = ["/etc/apt/sources.list"];
  const partsDir = "/etc/apt/sources.list.d";
  if (existsSync(partsDir)) files.push(...readdirSync(partsDir).map((f) => join(partsDir, f)));
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const uri = /^(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(https?:\/\/\S+\/debian)\/?\s/m.exec(text)?.[1];
    if (uri !== undefined) return uri;
  }
  return "http://deb.debian.org/debian";
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): void {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error !== undefined)
    throw new ToolVersionError(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0)
    throw new ToolVersionError(
      `${command} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`,
    );
}

/** apt options that keep every file of a private apt state under `aptDir`. */
function privateAptOptions(aptDir: string): string[] {
  return [
    `-o`,
    `Dir::Etc::SourceList=${join(aptDir, "sources.list")}`,
    `-o`,
    `Dir::Etc::SourceParts=/dev/null`,
    `-o`,
    `Dir::State::Lists=${join(aptDir, "lists")}`,
    `-o`,
    `Dir::Cache=${join(aptDir, "cache")}`,
    // The download folder is ours, not readable by apt's unprivileged `_apt` user.
    ...(process.getuid?.() === 0 ? [`-o`, `APT::Sandbox::User=root`] : []),
    // The binary package index is all `apt-get download` needs.
    `-o`,
    `Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false`,
    `-o`,
    `Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false`,
    `-o`,
    `Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false`,
    `-o`,
    `Acquire::IndexTargets::deb::CNF::DefaultEnabled=false`,
    `-o`,
    `Acquire::Languages=none`,
  ];
}

function fetchDebian(source: DebianPackageSource, root: string, into: string): void {
  const aptDir = join(root, "apt", source.suite);
  mkdirSync(join(aptDir, "lists", "partial"), { recursive: true });
  mkdirSync(join(aptDir, "cache", "archives", "partial"), { recursive: true });
  writeFileSync(
    join(aptDir, "sources.list"),
    `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${debianMirror()} ${source.suite} main\n`,
  );
  const options = privateAptOptions(aptDir);
  run("apt-get", [...options, "-qq", "update"]);
  const download = mkdtempSync(join(root, ".download-"));
  try {
    const spec = `${source.debianPackage}=${source.debianVersion}`;
    try {
      run("apt-get", [...options, "-qq", "download", spec], { cwd: download });
    } catch (error) {
      const listed = spawnSync("apt-cache", [...options, "madison", source.debianPackage], {
        encoding: "utf8",
      });
      throw new ToolVersionError(
        `Debian ${source.suite} no longer serves ${spec} (${(error as Error).message.split("\n")[0]}); ` +
          `it lists:\n${listed.stdout.trim() || "(nothing)"}\nupdate testkit/tool-versions.ts`,
      );
    }
    const deb = readdirSync(download).find((f) => f.endsWith(".deb"));
    if (deb === undefined) throw new ToolVersionError(`apt-get download ${spec} wrote no .deb`);
    const unpacked = join(download, "root");
    run("dpkg-deb", ["-x", join(download, deb), unpacked]);
    renameSync(join(unpacked, source.pathInPackage), into);
  } finally {
    rmSync(download, { recursive: true, force: true });
  }
}

function buildGo(source: GoModuleSource, root: string, into: string): void {
  const gobin = mkdtempSync(join(root, ".gobuild-"));
  try {
    run("go", ["install", `${source.packagePath}@${source.moduleVersion}`], {
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: "0", GOFLAGS: "-trimpath" },
    });
    const built = readdirSync(gobin)[0];
    if (built === undefined) throw new ToolVersionError(`go install ${source.packagePath} built nothing`);
    renameSync(join(gobin, built), into);
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
}

/**
 * Put `tool` into the cache unless it is there; returns its path. The binary lands under a
 * temporary name and is renamed into place only after `--version` confirms it, so a failed
 * install leaves nothing behind.
 */
export function installTool(
  tool: ToolVersion,
  root: string = toolCacheRoot(),
  log: (line: string) => void = () => {},
): string {
  const binary = cachedBinaryPath(tool, root);
  if (existsSync(binary)) return binary;
  mkdirSync(dirname(binary), { recursive: true });
  const staged = `${binary}.partial`;
  rmSync(staged, { force: true });
  const from =
    tool.source.kind === "debian"
      ? `Debian ${tool.source.suite} ${tool.source.debianPackage} ${tool.source.debianVersion}`
      : `Go module ${tool.source.packagePath}@${tool.source.moduleVersion}`;
  log(`installing ${tool.command} ${tool.version} from ${from} into ${dirname(binary)}`);
  if (tool.source.kind === "debian") fetchDebian(tool.source, root, staged);
  else buildGo(tool.source, root, staged);
  const version = reportedVersion(staged);
  if (version !== tool.version) {
    rmSync(staged, { force: true });
    throw new ToolVersionError(`${from} reports version ${version ?? "(none)"}, not ${tool.version}`);
  }
  renameSync(staged, binary);
  return binary;
}
