/**
 * `node --import <this file>`: records every module the process loads, one URL or path a line, in
 * the file named by LOADED_MODULES_LOG — ES modules as the loader resolves them (hooks.mjs), and on
 * exit every CommonJS module in the require cache (which includes what CommonJS packages load
 * internally). Test-only: it proves which SDK an app loads.
 */
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";

const log = process.env.LOADED_MODULES_LOG;
if (!log) throw new Error("LOADED_MODULES_LOG must name the file to record loaded modules in");
register("./hooks.mjs", import.meta.url);
const cache = createRequire(import.meta.url).cache;
process.on("exit", () => appendFileSync(log, Object.keys(cache).join("\n") + "\n"));
