/**
 * `npm run synth`: synthesize every environment into `dist-manifests/` and `argocd/`
 * (see cdk8s/synth.ts). `--out <dir>` writes under another root (used by `npm run synth:check`).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { synthesize, writeSynthesized } from "./synth.js";

const { values } = parseArgs({ options: { out: { type: "string" } } });
const root = resolve(values.out ?? resolve(import.meta.dirname, ".."));
const files = synthesize();
writeSynthesized(files, root);
console.log(`synthesized ${files.length} files into ${root}/{dist-manifests,argocd}`);
