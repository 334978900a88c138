/**
 * A local stand-in for `node:<.nvmrc>-bookworm-slim`, built without any container registry:
 * Debian bookworm minbase from mmdebstrap (Debian's own mirror) plus the shipped Node.js binary
 * and npm from the npm registry (testkit/shipped-node.ts; Debian's nodejs package is v18), and
 * this machine's CA bundle (so npm inside the build reaches the registry through the same TLS
 * trust as the host). Used only by the image test via the Dockerfile's BASE_IMAGE build arg.
 * Rebuilt only when the node version or the recipe changes.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureShippedNode, type ShippedNode } from "../shipped-node.js";
import { run, runStreaming, buildahBuildFlags, type Privilege } from "./container-cli.js";

export interface LocalBaseOptions {
  readonly privilege: Privilege;
  readonly log: (line: string) => void;
  /** Debian mirror for mmdebstrap. @default http://deb.debian.org/debian */
  readonly mirror?: string;
  /** Debian suite. @default bookworm */
  readonly suite?: string;
}

/** Bump when the recipe below changes, so cached bases are rebuilt. */
const RECIPE_VERSION = "3";

/** Label on the local base, inherited by every image built on it (including cached intermediate layers). */
export const LOCAL_BASE_LABEL = "io.keda-event-pipeline.local-test-base";

/** Name of the local base image for a node version. */
export function localBaseImage(nodeVersion: string): string {
  return `localhost/keda-pipeline-base:node${nodeVersion}-r${RECIPE_VERSION}`;
}

function imageExists(privilege: Privilege, image: string): boolean {
  try {
    run([...privilege.prefix, "buildah", "inspect", "--type", "image", image]);
    return true;
  } catch {
    return false;
  }
}

/** Build (or reuse) the local base image on the shipped Node.js; returns its name and that Node. */
export async function ensureLocalBase(
  options: LocalBaseOptions,
): Promise<{ image: string; node: ShippedNode }> {
  const { privilege, log } = options;
  const node = ensureShippedNode({ log });
  const image = localBaseImage(node.version);
  if (imageExists(privilege, image)) {
    log(`local base ${image} exists`);
    return { image, node };
  }
  const context = mkdtempSync(join(tmpdir(), "local-base-"));
  try {
    log(`mmdebstrap ${options.suite ?? "bookworm"} minbase…`);
    await runStreaming(
      [
        ...privilege.prefix,
        "mmdebstrap",
        "--variant=minbase",
        "--mode=root",
        "--format=tar",
        "--include=ca-certificates",
        options.suite ?? "bookworm",
        join(context, "rootfs.tar"),
        options.mirror ?? "http://deb.debian.org/debian",
      ],
      { log, timeoutMs: 900_000 },
    );
    cpSync(node.node, join(context, "node"));
    cpSync(node.npmDir, join(context, "npm"), { recursive: true, dereference: true });
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
        `LABEL ${LOCAL_BASE_LABEL}="true" org.opencontainers.image.description="local test base: Debian bookworm minbase + node ${node.version}"`,
        'CMD ["node"]',
        "",
      ].join("\n"),
    );
    log(`buildah bud ${image}…`);
    await runStreaming(
      [...privilege.prefix, "buildah", "bud", ...buildahBuildFlags(), "-t", image, context],
      {
        log,
        timeoutMs: 600_000,
      },
    );
    return { image, node };
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
