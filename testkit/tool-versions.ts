/**
 * The server versions the tests can run besides the machine's own (Debian bookworm's nats-server
 * 2.9.10 and promtool 2.42): each one named by its version and by where an exact build of it comes
 * from, a package of a newer Debian suite or a module of the Go module proxy. `npm run
 * test:broker-versions` installs them into the user cache and runs the broker suites on each
 * nats-server and the alert-rule tests on each promtool; `NATS_SERVER_VERSION` / `PROMTOOL_VERSION`
 * select one for any test run.
 */

/** A binary inside a package of a Debian suite, fetched with `apt-get download` and unpacked. */
export interface DebianPackageSource {
  readonly kind: "debian";
  /** Suite whose index lists the package, e.g. `sid`. */
  readonly suite: string;
  readonly debianPackage: string;
  /** Exact Debian version, e.g. `2.15.1-1`. */
  readonly debianVersion: string;
  /** Path of the binary inside the package, e.g. `usr/sbin/nats-server`. */
  readonly pathInPackage: string;
}

/** A command built from a Go module at an exact version (`go install module@version`). */
export interface GoModuleSource {
  readonly kind: "go";
  /** Package path of the command, e.g. `github.com/nats-io/nats-server/v2`. */
  readonly packagePath: string;
  /** Module version, e.g. `v2.14.2`. */
  readonly moduleVersion: string;
}

export type ToolSource = DebianPackageSource | GoModuleSource;

/** A command whose version the tests select. */
export type VersionedCommand = "nats-server" | "promtool";

/** One exact version of a command and where it comes from. */
export interface ToolVersion {
  readonly command: VersionedCommand;
  /** Upstream version as `<command> --version` prints it, without a leading `v`. */
  readonly version: string;
  readonly source: ToolSource;
  /** Why this version is tested. */
  readonly why: string;
}

/** The environment variable that selects each command's version for a test run. */
export const VERSION_ENV: Readonly<Record<VersionedCommand, string>> = {
  "nats-server": "NATS_SERVER_VERSION",
  promtool: "PROMTOOL_VERSION",
};

/**
 * Every version the cache can hold. Debian's trixie carries nats-server 2.10.27 and sid 2.15.1;
 * no suite carries the 2.14 line the NATS chart ships, so that one is built from its Go module.
 * promtool 3 comes from sid's `promtool` package (Prometheus 3.5.3, the major the Prometheus
 * Operator of kube-prometheus-stack deploys).
 */
export const TOOL_VERSIONS: readonly ToolVersion[] = [
  {
    command: "nats-server",
    version: "2.14.2",
    source: { kind: "go", packagePath: "github.com/nats-io/nats-server/v2", moduleVersion: "v2.14.2" },
    why: "the 2.14 line: the NATS chart 2.14.2 ships nats-server 2.14.2; no Debian suite carries the line",
  },
  {
    command: "nats-server",
    version: "2.15.1",
    source: {
      kind: "debian",
      suite: "sid",
      debianPackage: "nats-server",
      debianVersion: "2.15.1-1",
      pathInPackage: "usr/sbin/nats-server",
    },
    why: "the newest line Debian carries (sid)",
  },
  {
    command: "nats-server",
    version: "2.10.27",
    source: {
      kind: "debian",
      suite: "trixie",
      debianPackage: "nats-server",
      debianVersion: "2.10.27-1+b2",
      pathInPackage: "usr/sbin/nats-server",
    },
    why: "the 2.10 line (Debian trixie), the one the NATS chart 1.x shipped, for a run by hand",
  },
  {
    command: "promtool",
    version: "3.5.3",
    source: {
      kind: "debian",
      suite: "sid",
      debianPackage: "promtool",
      debianVersion: "3.5.3+ds1-6",
      pathInPackage: "usr/bin/promtool",
    },
    why: "Prometheus 3, the major kube-prometheus-stack deploys (67.8.0: v3.1.0; 88.5.3: v3.14.0)",
  },
];

/** The catalogue entry of `command` at `version`, or undefined. */
export function findToolVersion(command: VersionedCommand, version: string): ToolVersion | undefined {
  return TOOL_VERSIONS.find((t) => t.command === command && t.version === version.replace(/^v/, ""));
}
