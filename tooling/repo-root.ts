/** The repository root (this file is `tooling/repo-root.ts`). */
import { resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "..");
