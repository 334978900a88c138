/**
 * `npm run import`: regenerate the typed CRD constructs in `cdk8s/imports/` offline from the
 * CRDs vendored in `schemas/crds/` (override with CRDS_DIR). One module per API group.
 * The output is committed and never edited by hand.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseCli, runCli } from "./lib/cli.js";

const repo = resolve(import.meta.dirname, "..");
const crds = resolve(process.env.CRDS_DIR ?? join(repo, "schemas", "crds"));

/** module name -> CRD files (relative to the CRD directory). Only the kinds the manifests use. */
export const CRD_MODULES: Record<string, readonly string[]> = {
  keda: ["keda/keda.sh_scaledobjects.yaml", "keda/keda.sh_triggerauthentications.yaml"],
  "sealed-secrets": ["sealed-secrets/bitnami.com_sealedsecrets.yaml"],
  "prometheus-operator": [
    "prometheus-operator/monitoring.coreos.com_servicemonitors.yaml",
    "prometheus-operator/monitoring.coreos.com_podmonitors.yaml",
    "prometheus-operator/monitoring.coreos.com_prometheusrules.yaml",
  ],
  argocd: ["argo-cd/application-crd.yaml", "argo-cd/appproject-crd.yaml"],
};

runCli("import", () => {
  parseCli(
    {
      usage: "npm run import",
      description:
        "Regenerate the typed CRD constructs in cdk8s/imports/ from the CRDs vendored in schemas/crds/ (CRDS_DIR overrides).",
      options: {},
    },
    process.argv.slice(2),
  );
  const work = mkdtempSync(join(tmpdir(), "crd-import-"));
  try {
    for (const [module, files] of Object.entries(CRD_MODULES)) {
      const combined = join(work, `${module}.yaml`);
      writeFileSync(combined, files.map((f) => readFileSync(join(crds, f), "utf8")).join("\n---\n"));
      execFileSync(
        join(repo, "node_modules", ".bin", "cdk8s"),
        [
          "import",
          `${module}:=${combined}`,
          "--output",
          join(repo, "cdk8s", "imports"),
          "--no-check-upgrade",
          "--language",
          "typescript",
        ],
        { stdio: "inherit", cwd: repo },
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
