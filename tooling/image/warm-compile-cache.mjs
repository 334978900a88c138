/**
 * Image build step (Dockerfile, runtime stage, run as the runtime's uid): compiles every module of
 * the app bundles (and of what they import from node_modules) once with NODE_COMPILE_CACHE set, so Node.js (22.1+) writes their V8 code cache
 * there; the runtime image carries that directory and each start reads the code instead of
 * compiling it (https://nodejs.org/api/module.html#module-compile-cache). The cache is per Node.js
 * version and uid (its subdirectory's name), which is why it is written by the shipped node as
 * uid 10001. With the pod's read-only root filesystem it is only read: Node writes back only
 * entries that changed, and a failed write is not an error. Plain JavaScript: a TypeScript loader
 * would stand between Node and the files it caches.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const cache = process.env.NODE_COMPILE_CACHE;
if (!cache) throw new Error("warm-compile-cache: NODE_COMPILE_CACHE must name the cache directory");
const appsDir = resolve("dist", "apps");
for (const app of readdirSync(appsDir)) {
  const dir = join(appsDir, app);
  // Without configuration the entry point compiles its static module graph, then exits 2.
  const entry = spawnSync(process.execPath, [join(dir, "main.js")], {
    env: { NODE_COMPILE_CACHE: cache },
    encoding: "utf8",
  });
  if (entry.status !== 2)
    throw new Error(`warm-compile-cache: ${app} exited ${entry.status}, not 2:\n${entry.stderr}`);
  // The chunks it imports lazily (the broker adapters): evaluating them only defines their code.
  // The BROKER=nats image has no memphis-dev, so the Memphis adapter's chunk cannot load there.
  for (const file of readdirSync(dir))
    if (file.endsWith(".js") && file !== "main.js")
      await import(pathToFileURL(join(dir, file)).href).catch((error) => {
        if (!(error?.code === "ERR_MODULE_NOT_FOUND" && String(error).includes("'memphis-dev'"))) throw error;
      });
}
// Node writes the cache as it exits; the Memphis SDK, now loaded, may hold the event loop open.
process.exit(0);
