/** Module hooks of register.mjs: append each resolved ES module URL to LOADED_MODULES_LOG. */
import { appendFileSync } from "node:fs";

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(process.env.LOADED_MODULES_LOG, `${resolved.url}\n`);
  return resolved;
}
