/** Repository paths the bench needs, resolved from this file (not from the working directory). */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (two levels above `bench/src`). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
