/**
 * The tools the kind path needs, found on PATH: a container runtime (docker, else podman through
 * kind's `KIND_EXPERIMENTAL_PROVIDER=podman`), kind and kubectl. Pure: PATH and the file check are
 * passed in, so every decision is testable without the tools.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** The container runtimes kind can drive, in order of preference. */
export const CONTAINER_RUNTIMES = ["docker", "podman"] as const;
export type ContainerRuntime = (typeof CONTAINER_RUNTIMES)[number];

/** The tools besides the runtime, and where to get each. */
export const REQUIRED_TOOLS = {
  kind: "https://kind.sigs.k8s.io/docs/user/quick-start/#installation (or `go install sigs.k8s.io/kind@<version>`)",
  kubectl: "https://kubernetes.io/docs/tasks/tools/#kubectl",
} as const;

export interface Prerequisites {
  /** The runtime kind will use; undefined when neither docker nor podman is on PATH. */
  readonly runtime: ContainerRuntime | undefined;
  /** Environment kind needs for that runtime (podman: KIND_EXPERIMENTAL_PROVIDER). */
  readonly runtimeEnv: Readonly<Record<string, string>>;
  /** Each missing tool with where to get it; empty when all are there. */
  readonly missing: readonly string[];
}

/** True when `file` is an executable regular file. */
export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` on `path` (a PATH value), or undefined. */
export function findOnPath(
  name: string,
  path: string | undefined,
  isExecutable: (file: string) => boolean = isExecutableFile,
): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * What is there and what is missing. `KIND_EXPERIMENTAL_PROVIDER` set by the user wins over the
 * preference order (kind reads it: pkg/cluster/provider.go), as long as that runtime is installed.
 */
export function checkPrerequisites(
  env: Readonly<Record<string, string | undefined>>,
  isExecutable: (file: string) => boolean = isExecutableFile,
): Prerequisites {
  const has = (name: string): boolean => findOnPath(name, env.PATH, isExecutable) !== undefined;
  const missing: string[] = [];
  const wanted = env.KIND_EXPERIMENTAL_PROVIDER;
  let runtime: ContainerRuntime | undefined;
  if (wanted !== undefined && wanted !== "") {
    if (!(CONTAINER_RUNTIMES as readonly string[]).includes(wanted))
      missing.push(`KIND_EXPERIMENTAL_PROVIDER=${wanted}: kind supports ${CONTAINER_RUNTIMES.join(" or ")}`);
    else if (!has(wanted)) missing.push(`${wanted} (asked for by KIND_EXPERIMENTAL_PROVIDER)`);
    else runtime = wanted as ContainerRuntime;
  } else {
    runtime = CONTAINER_RUNTIMES.find(has);
    if (runtime === undefined)
      missing.push(
        "docker or podman: https://docs.docker.com/engine/install/ or https://podman.io/docs/installation",
      );
  }
  for (const [tool, where] of Object.entries(REQUIRED_TOOLS))
    if (!has(tool)) missing.push(`${tool}: ${where}`);
  return {
    runtime,
    runtimeEnv: runtime === "podman" ? { KIND_EXPERIMENTAL_PROVIDER: "podman" } : {},
    missing,
  };
}
