/**
 * `npm run synth`: synthesize every environment into `dist-manifests/` and `argocd/`
 * (see cdk8s/synth.ts). `--out <dir>` writes under another root (used by `npm run synth:check`);
 * so does CDK8S_OUTDIR, which `npx cdk8s synth` sets to the `output` of cdk8s.yaml.
 */
import { resolve } from "node:path";
import { parseCli, runCli } from "../tooling/cli.js";
import { synthesize, writeSynthesized } from "./synth.js";

runCli("synth", () => {
  const { values } = parseCli(
    {
      usage: "npm run synth [-- --out <dir>]",
      description: "Synthesize every environment from cdk8s/config.ts into dist-manifests/ and argocd/.",
      options: {
        out: { type: "string", valueName: "dir", help: "write under this root instead of the repository" },
      },
    },
    process.argv.slice(2),
  );
  const outDir = process.env.CDK8S_OUTDIR === "" ? undefined : process.env.CDK8S_OUTDIR;
  const root = resolve(values.out ?? outDir ?? resolve(import.meta.dirname, ".."));
  const files = synthesize();
  writeSynthesized(files, root);
  console.log(`synthesized ${files.length} files into ${root}/{dist-manifests,argocd}`);
});
