// Builds the control-plane binaries from the Go module beside this file. The Go build and module caches live
// under one cache directory reused across runs (a warm rebuild only relinks what changed, or nothing), so only
// the first run on a machine pays for compiling Kubernetes.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The directory of the Go module (go.mod, go.sum) that names every component the tests build. */
export const GO_MODULE_DIR = import.meta.dirname;

/** Where the Go caches and the built binaries live. @default $CONTROL_PLANE_GO_CACHE or ~/.cache/keda-event-pipeline/go */
export const GO_CACHE_DIR =
  process.env.CONTROL_PLANE_GO_CACHE ?? join(homedir(), ".cache", "keda-event-pipeline", "go");

/**
 * The environment every go command of the tests runs with: the shared caches, modules resolved from go.mod
 * (-mod=mod: no vendor directory in the repository), and the machine's GOPROXY and GOSUMDB as `go env` has them.
 */
export function goEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOCACHE: join(GO_CACHE_DIR, "build"),
    GOMODCACHE: join(GO_CACHE_DIR, "mod"),
    GOFLAGS: "-mod=mod -buildvcs=false",
  };
}

/** Fails with what to do when no Go toolchain is on PATH. */
export function requireGo(): string {
  const version = spawnSync("go", ["version"], { encoding: "utf8" });
  if (version.status !== 0) {
    throw new Error(
      "go is not on PATH: the control-plane tests build kube-apiserver from the Go module in test/control-plane " +
        "(go.mod names the Go version). Install Go from https://go.dev/dl/ and run this again.",
    );
  }
  return version.stdout.trim();
}

export interface GoBuildResult {
  /** Absolute path of each built binary, by package path. */
  readonly binaries: ReadonlyMap<string, string>;
  /** Wall-clock seconds of the `go build`. */
  readonly seconds: number;
  /** The build's combined output. */
  readonly logFile: string;
}

/**
 * `go build -o <cache>/bin/ <packages...>` in `moduleDir` (a module of this folder); resolves when it ends and rejects with the
 * tail of its log when it fails. Go skips relinking a binary whose build ID is unchanged, so a warm call is cheap.
 */
export async function goBuild(
  packages: readonly string[],
  moduleDir = GO_MODULE_DIR,
): Promise<GoBuildResult> {
  requireGo();
  const binDir = join(GO_CACHE_DIR, "bin");
  mkdirSync(binDir, { recursive: true });
  const logFile = join(GO_CACHE_DIR, `build-${packages.map((pkg) => pkg.split("/").at(-1)).join("-")}.log`);
  const log = createWriteStream(logFile);
  const started = performance.now();
  const child = spawn("go", ["build", "-o", `${binDir}/`, ...packages], {
    cwd: moduleDir,
    env: goEnvironment(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (chunk: Buffer): void => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  await new Promise<void>((resolve) => log.end(resolve));
  if (code !== 0) throw new Error(`go build ${packages.join(" ")} exited ${code}:\n${tail}`);
  const binaries = new Map(packages.map((pkg) => [pkg, join(binDir, pkg.split("/").at(-1) as string)]));
  return { binaries, seconds: (performance.now() - started) / 1000, logFile };
}
