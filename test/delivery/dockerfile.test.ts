/**
 * Static checks of the Dockerfile and .dockerignore (they hold even where the image test cannot
 * build): pinned base, two app targets running `node` directly, non-root, no secrets, allowlisted context.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { shippedNodeMajor } from "../../testkit/shipped-node.js";

const dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");
/** Instructions with line continuations joined and comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));

interface Stage {
  readonly name: string;
  readonly from: string;
  /** `FROM --platform=…` */
  readonly platform?: string;
  readonly lines: string[];
}
const stages: Stage[] = [];
for (const line of instructions) {
  const from = /^FROM\s+(?:--platform=(\S+)\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
  if (from)
    stages.push({
      from: from[2] ?? "",
      name: from[3] ?? "",
      lines: [],
      ...(from[1] === undefined ? {} : { platform: from[1] }),
    });
  else stages.at(-1)?.lines.push(line);
}

describe("Dockerfile", () => {
  it("pins the default base image of the shipped Node.js line (.nvmrc) by digest; BASE_IMAGE replaces it", () => {
    expect(instructions[0]).toMatch(
      new RegExp(
        `^ARG BASE_IMAGE=docker\\.io/library/node:${shippedNodeMajor()}-bookworm-slim@sha256:[0-9a-f]{64}$`,
      ),
    );
    const names = new Set<string>();
    for (const stage of stages) {
      expect(stage.from === "${BASE_IMAGE}" || names.has(stage.from), `FROM ${stage.from}`).toBe(true);
      names.add(stage.name);
    }
  });

  it("has producer and consumer targets that run node directly, as uid 10001 in /app", () => {
    expect(stages.map((s) => s.name)).toEqual(["build", "prod-deps", "runtime", "producer", "consumer"]);
    for (const app of ["producer", "consumer"]) {
      const stage = stages.find((s) => s.name === app);
      expect(stage?.from).toBe("runtime");
      expect(stage?.lines).toContain(`CMD ["node", "dist/apps/${app}/main.js"]`);
      expect(stage?.lines.some((l) => /^ENTRYPOINT/i.test(l))).toBe(false);
    }
    const runtime = stages.find((s) => s.name === "runtime")?.lines ?? [];
    expect(runtime).toContain("USER 10001:10001");
    expect(runtime).toContain("WORKDIR /app");
    expect(runtime.filter((l) => l.startsWith("COPY --from="))).toEqual([
      "COPY --from=prod-deps /app/node_modules ./node_modules",
      "COPY --from=build /app/dist ./dist",
    ]);
    expect(stages.find((s) => s.name === "build")?.lines).toContain(
      "RUN npx tsx scripts/build.ts && find dist -name '*.map' -delete",
    );
  });

  it("multi-platform: only the build stage (platform-independent bundles) runs on the builder's platform", () => {
    expect(stages.filter((s) => s.platform !== undefined).map((s) => [s.name, s.platform])).toEqual([
      ["build", "$BUILDPLATFORM"],
    ]);
  });

  it("ships no source maps, since nothing enables them", () => {
    expect(instructions.join("\n")).not.toMatch(/enable-source-maps/);
    expect(stages.find((s) => s.name === "build")?.lines.join("\n")).toMatch(
      /find dist -name '\*\.map' -delete/,
    );
  });

  it("BROKER=nats ships no node_modules, BROKER=memphis the production tree with memphis-dev", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    // underscore: memphis-dev's avro-js requires it without declaring it, so it goes with memphis-dev.
    expect(Object.keys(pkg.optionalDependencies ?? {})).toEqual(["memphis-dev", "underscore"]);
    expect(Object.keys(pkg.dependencies)).not.toContain("memphis-dev");
    expect(Object.keys(pkg.dependencies)).not.toContain("underscore");
    // pretty logs are for a developer's terminal: the production tree does not carry them
    expect(Object.keys(pkg.dependencies)).not.toContain("pino-pretty");
    const prodDeps = stages.find((s) => s.name === "prod-deps")?.lines.join("\n") ?? "";
    expect(prodDeps).toMatch(/nats\) mkdir node_modules ;;/);
    expect(prodDeps).toMatch(/memphis\) npm ci --omit=dev /);
    expect(instructions).toContain("ARG BROKER=memphis");
  });

  it("takes no secrets as build arguments or environment", () => {
    for (const line of instructions.filter((l) => /^(ARG|ENV)\s/i.test(l)))
      expect(line).not.toMatch(/PASSWORD|TOKEN|SECRET|USERNAME|CREDENTIAL|NPM_AUTH/i);
  });

  it(".dockerignore is an allowlist without secrets-prone paths", () => {
    const lines = readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#"));
    expect(lines[0]).toBe("*");
    expect(lines.slice(1)).toEqual([
      "!package.json",
      "!package-lock.json",
      "!tsconfig.json",
      "!tsconfig.build.json",
      "!scripts/build.ts",
      "!tooling/repo-root.ts",
      "!tooling/cli.ts",
      "!tooling/image/warm-compile-cache.mjs",
      "!src/",
    ]);
  });
});
