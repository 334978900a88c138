/**
 * The Node.js line that ships (the major in `.nvmrc`, which the workflows read too) as a local
 * binary, for running tests and building the local image base on it when the machine's own node
 * is another line. The official binaries come from the npm registry (`node-<platform>-<arch>`,
 * published by the Node.js project) and npm itself from the `npm` package, installed once into a
 * cache directory: no other download.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../tooling/repo-root.js";

/** The shipped major, e.g. "24" (the one place it is stated). */
export function shippedNodeMajor(): string {
  const text = readFileSync(join(REPO_ROOT, ".nvmrc"), "utf8").trim();
  if (!/^\d+$/.test(text)) throw new Error(`.nvmrc must hold a Node.js major version, got "${text}"`);
  return text;
}

/**
 * npm line installed with the binary (the registry's node packages carry no npm). 11 is the line
 * Node.js 24 bundles.
 */
const NPM_SPEC = "npm@11";

export interface ShippedNode {
  /** Absolute path of the `node` binary. */
  readonly node: string;
  /** Directory of the npm package (holds bin/npm-cli.js). */
  readonly npmDir: string;
  /** `process.versions.node` of that binary, e.g. "24.22.3". */
  readonly version: string;
}

export interface ShippedNodeOptions {
  /** Cache root. @default $NODE_RUNTIME_CACHE or ~/.cache/keda-event-pipeline/node */
  readonly cacheDir?: string;
  /** @default shippedNodeMajor() */
  readonly major?: string;
  readonly log?: (line: string) => void;
}

function described(dir: string): ShippedNode | undefined {
  const node = join(dir, "node_modules", `node-${process.platform}-${process.arch}`, "bin", "node");
  const npmDir = join(dir, "node_modules", "npm");
  if (!existsSync(node) || !existsSync(join(npmDir, "bin", "npm-cli.js"))) return undefined;
  const version = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim();
  return /^\d+\.\d+\.\d+$/.test(version) ? { node, npmDir, version } : undefined;
}

/** The shipped Node binary and npm, installed into the cache once (reused while its major matches). */
export function ensureShippedNode(options: ShippedNodeOptions = {}): ShippedNode {
  const major = options.major ?? shippedNodeMajor();
  const cacheRoot =
    options.cacheDir ??
    process.env.NODE_RUNTIME_CACHE ??
    join(homedir(), ".cache", "keda-event-pipeline", "node");
  const dir = join(cacheRoot, `${major}-${process.platform}-${process.arch}`);
  const cached = described(dir);
  if (cached !== undefined && cached.version.split(".")[0] === major) return cached;
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const pkg = `node-${process.platform}-${process.arch}@${major}`;
  options.log?.(`installing ${pkg} and ${NPM_SPEC} from the npm registry into ${dir}…`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(
    npm,
    [
      "install",
      "--prefix",
      staging,
      "--no-save",
      "--no-package-lock",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      pkg,
      NPM_SPEC,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`npm install ${pkg} ${NPM_SPEC} failed:\n${result.stderr}`);
  }
  // a finished install replaces the old one in one rename, so a concurrent reader never sees half
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  const installed = described(dir);
  if (installed === undefined || installed.version.split(".")[0] !== major)
    throw new Error(`${pkg} did not provide a working Node.js ${major} binary in ${dir}`);
  return installed;
}
