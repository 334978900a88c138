/**
 * `npm run build`: bundles each app into one ES module, `dist/apps/<app>/main.js`, with esbuild.
 *
 * Why a bundle: a cold start spent most of its first half second loading ~150 ES module files (the
 * apps' own, prom-client with @opentelemetry/api, the NATS client, pino, envalid) one by one; one
 * file per app is read and compiled at once (docs/benchmarks.md, "cold start").
 *
 * What stays out of the main file:
 * - each broker adapter (`import()` in src/broker/index.ts) is a chunk of its own beside main.js,
 *   loaded only when that broker is chosen; memphis-dev stays external (an optional dependency,
 *   absent from the BROKER=nats image), so only the Memphis chunk imports it from node_modules;
 * - pino's transport worker (thread-stream) runs in a worker thread from a file: it is bundled to
 *   `dist/pino/*.cjs` and pino finds it through `globalThis.__bundlerPathsOverrides`, the hook pino
 *   and thread-stream read for bundles (pino@10 lib/transport.js, thread-stream@3 index.js). The
 *   pretty-printer it would run (pino-pretty, a development dependency) is not bundled: the logger
 *   loads it from node_modules by absolute path when stdout is a terminal and it is installed, so
 *   the images never carry it (src/runtime/logger.ts).
 * Source maps are written beside each file for local debugging (`node --enable-source-maps`); the
 * image build deletes them (Dockerfile).
 */
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { build, type BuildOptions } from "esbuild";
import { parseCli, runCli } from "../tooling/cli.js";
import { REPO_ROOT } from "../tooling/repo-root.js";

/** The apps, each bundled from src/apps/<app>/main.ts. */
const APPS = ["producer", "consumer"] as const;
const OUT_DIR = join(REPO_ROOT, "dist");
/** Where the worker-thread files go, relative to OUT_DIR. */
const PINO_DIR = "pino";
/** Files a pino transport runs in its worker thread, by the key pino and thread-stream look up. */
const PINO_WORKERS = {
  "thread-stream-worker": "thread-stream/lib/worker.js",
} as const;
/** The Node.js line the bundles must run on: the oldest that `engines` admits. */
const TARGET = "node20.19";

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  target: TARGET,
  sourcemap: true,
  tsconfig: join(REPO_ROOT, "tsconfig.build.json"),
  logLevel: "warning",
  legalComments: "none",
};

/**
 * Top of every ES module file: `require` for the bundled CommonJS packages (prom-client, pino, …),
 * and the worker files' paths for pino, relative to this file (every chunk of an app sits beside
 * its main.js, two levels below OUT_DIR).
 */
const esmBanner = [
  'import { createRequire as __createRequire } from "node:module";',
  'import { fileURLToPath as __fileURLToPath } from "node:url";',
  "const require = __createRequire(import.meta.url);",
  "globalThis.__bundlerPathsOverrides ??= {",
  ...Object.keys(PINO_WORKERS).map(
    (key) => `  "${key}": __fileURLToPath(new URL("../../${PINO_DIR}/${key}.cjs", import.meta.url)),`,
  ),
  "};",
].join("\n");

runCli("build", async () => {
  parseCli(
    {
      usage: "npm run build",
      description: "Bundle each app into dist/apps/<app>/main.js (and pino's worker files into dist/pino/).",
      options: {},
    },
    process.argv.slice(2),
  );
  await rm(OUT_DIR, { recursive: true, force: true });
  await Promise.all([
    ...APPS.map((app) =>
      build({
        ...common,
        entryPoints: { main: join(REPO_ROOT, "src", "apps", app, "main.ts") },
        outdir: join(OUT_DIR, "apps", app),
        format: "esm",
        splitting: true,
        chunkNames: "[name]-[hash]",
        external: ["memphis-dev"],
        banner: { js: esmBanner },
      }),
    ),
    build({
      ...common,
      entryPoints: Object.fromEntries(
        Object.entries(PINO_WORKERS).map(([key, module]) => [
          key,
          createRequire(import.meta.url).resolve(module),
        ]),
      ),
      outdir: join(OUT_DIR, PINO_DIR),
      outExtension: { ".js": ".cjs" },
      format: "cjs",
    }),
  ]);
});
