/**
 * `npm run import`: regenerate the typed CRD constructs in `cdk8s/imports/` offline from the
 * vendored CRDs (override the `schemas/` folder with SCHEMAS_DIR). One module per API group.
 * The CRDs a chart installs are read from `schemas/charts/crds/<chart>@<pinned version>/`, so the
 * types move with the chart version pinned in `HELM_CHARTS`; Argo CD's own CRDs from `schemas/crds/argo-cd/`.
 * The output is committed and never edited by hand.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseCli, runCli } from "../tooling/cli.js";
import { HELM_CHARTS } from "../cdk8s/config.js";
import { pinnedCrdDir } from "../cdk8s/argocd/chart-facts.js";

const repo = resolve(import.meta.dirname, "..");
const schemas = resolve(process.env.SCHEMAS_DIR ?? join(repo, "schemas"));
const keda = pinnedCrdDir(HELM_CHARTS.keda);
const sealedSecrets = pinnedCrdDir(HELM_CHARTS.sealedSecrets);
const prometheusOperator = pinnedCrdDir(HELM_CHARTS.kubePrometheusStack);

/** module name -> CRD files (relative to `schemas/`). Only the kinds the manifests use. */
export const CRD_MODULES: Record<string, readonly string[]> = {
  keda: [`${keda}/crd-scaledobjects.yaml`, `${keda}/crd-triggerauthentications.yaml`],
  "sealed-secrets": [`${sealedSecrets}/bitnami.com_sealedsecrets.yaml`],
  "prometheus-operator": [
    `${prometheusOperator}/crd-servicemonitors.yaml`,
    `${prometheusOperator}/crd-podmonitors.yaml`,
    `${prometheusOperator}/crd-prometheusrules.yaml`,
  ],
  argocd: ["crds/argo-cd/application-crd.yaml", "crds/argo-cd/appproject-crd.yaml"],
};

runCli("import", () => {
  parseCli(
    {
      usage: "npm run import",
      description:
        "Regenerate the typed CRD constructs in cdk8s/imports/ from the CRDs vendored in schemas/ (SCHEMAS_DIR overrides).",
      options: {},
    },
    process.argv.slice(2),
  );
  const work = mkdtempSync(join(tmpdir(), "crd-import-"));
  try {
    for (const [module, files] of Object.entries(CRD_MODULES)) {
      const combined = join(work, `${module}.yaml`);
      writeFileSync(combined, files.map((f) => readFileSync(join(schemas, f), "utf8")).join("\n---\n"));
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
