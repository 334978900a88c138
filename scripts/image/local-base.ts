/**
 * A local stand-in for `node:20-bookworm-slim`, built without any registry: Debian bookworm
 * minbase from mmdebstrap (Debian's own mirror) plus this machine's Node 20 binary and npm
 * (Debian's nodejs package is v18) and this machine's CA bundle (so npm inside the build reaches
 * the registry through the same TLS trust as the host). Used only by the image test via the
 * Dockerfile's BASE_IMAGE build arg. Rebuilt only when the node version or the recipe changes.
 */
import { cpSync, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { run, buildahBuildFlags, type Privilege } from "./container-cli.js";

export interface LocalBaseOptions {
  readonly privilege: Privilege;
  readonly log: (line: string) => void;
  /** Debian mirror for mmdebstrap. @default http://deb.debian.org/debian */
  readonly mirror?: string;
  /** Debian suite. @default bookworm */
  readonly suite?: string;
}

/** Bump when the recipe below changes, so cached bases are rebuilt. */
const RECIPE_VERSION = "2";

/** Label on the local base, inherited by every image built on it (including cached intermediate layers). */
export const LOCAL_BASE_LABEL = "io.keda-event-pipeline.local-test-base";

/** Name of the local base image for this node version. */
export function localBaseImage(): string {
  return `localhost/keda-pipeline-base:node${process.versions.node}-r${RECIPE_VERSION}`;
}

function imageExists(privilege: Privilege, image: string): boolean {
  try {
    run([...privilege.prefix, "buildah", "inspect", "--type", "image", image]);
    return true;
  } catch {
    return false;
  }
}

/** Build (or reuse) the local base image; returns its name. */
export function ensureLocalBase(options: LocalBaseOptions): string {
  const image = localBaseImage();
  const { privilege, log } = options;
  if (imageExists(privilege, image)) {
    log(`local base ${image} exists`);
    return image;
  }
  const context = mkdtempSync(join(tmpdir(), "local-base-"));
  try {
    log(`mmdebstrap ${options.suite ?? "bookworm"} minbase…`);
    run(
      [
        ...privilege.prefix,
        "mmdebstrap",
        "--variant=minbase",
        "--mode=root",
        "--format=tar",
        "--include=ca-certificates",
        "--quiet",
        options.suite ?? "bookworm",
        join(context, "rootfs.tar"),
        options.mirror ?? "http://deb.debian.org/debian",
      ],
      { timeoutMs: 900_000 },
    );
    const nodeBinary = realpathSync(process.execPath);
    cpSync(nodeBinary, join(context, "node"));
    const npmDir = resolve(dirname(nodeBinary), "..", "lib", "node_modules", "npm");
    if (!existsSync(join(npmDir, "bin", "npm-cli.js")))
      throw new Error(`npm not found next to ${nodeBinary} (looked in ${npmDir})`);
    cpSync(npmDir, join(context, "npm"), { recursive: true, dereference: true });
    cpSync("/etc/ssl/certs/ca-certificates.crt", join(context, "ca-certificates.crt"));
    writeFileSync(
      join(context, "Containerfile"),
      [
        "FROM scratch",
        "ADD rootfs.tar /",
        "COPY node /usr/local/bin/node",
        "COPY npm /usr/local/lib/node_modules/npm",
        "COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt",
        "RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && " +
          "ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version && npm --version",
        "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt",
        `LABEL ${LOCAL_BASE_LABEL}="true" org.opencontainers.image.description="local test base: Debian bookworm minbase + node ${process.versions.node}"`,
        'CMD ["node"]',
        "",
      ].join("\n"),
    );
    log(`buildah bud ${image}…`);
    run([...privilege.prefix, "buildah", "bud", ...buildahBuildFlags(), "-t", image, context], {
      timeoutMs: 600_000,
    });
    return image;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/**
 * Remove untagged images built on the local base (stale layer caches of earlier test runs) older
 * than `olderThan`; recent ones stay so the next run reuses them. Other images are never touched.
 */
export function pruneStaleTestImages(privilege: Privilege, olderThan = "2h"): void {
  run([
    ...privilege.prefix,
    "podman",
    "image",
    "prune",
    "-f",
    "--filter",
    `label=${LOCAL_BASE_LABEL}=true`,
    "--filter",
    `until=${olderThan}`,
  ]);
}
