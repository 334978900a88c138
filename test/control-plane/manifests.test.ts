// Every committed manifest on a real kube-apiserver: for each environment, a fresh etcd and API server take the
// Argo CD installation's CRDs, the bootstrap folder, and every document each Application syncs (with the CRDs
// of the pinned charts first), by server-side apply in Argo CD's sync order; each must be accepted. The negative
// control is a one-field change to a committed Deployment that the repository's JSON schemas accept and the
// real server refuses.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pinnedCrdDir } from "../../cdk8s/argocd/chart-facts.js";
import { ENVIRONMENT_NAMES } from "../../cdk8s/config.js";
import { SCHEMAS_DIR, validateDocument } from "../support/schemas.js";
import { ApiError, type KubeObject } from "./api-client.js";
import { applySteps, type AppliedDocument } from "./apply-steps.js";
import { planSync, readManifests, syncedFolders, type Manifest, type SyncStep } from "./argo-sync.js";
import { ControlPlane } from "./control-plane.js";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..");

function plan(environment: string): SyncStep[] {
  return planSync({
    repoRoot: REPO_ROOT,
    argocdDir: join(REPO_ROOT, "argocd", environment),
    argoCdCrdDir: join(SCHEMAS_DIR, "crds", "argo-cd"),
    chartCrdDir: (source) => {
      const dir = join(SCHEMAS_DIR, pinnedCrdDir(source));
      return existsSync(dir) ? dir : undefined;
    },
  });
}

describe("the sync plan", () => {
  it("reaches every folder of dist-manifests/ from some environment's Argo CD bootstrap", () => {
    const reached = new Set(
      ENVIRONMENT_NAMES.flatMap((environment) => [...syncedFolders(plan(environment))]),
    );
    const committed = readdirSync(join(REPO_ROOT, "dist-manifests")).map((dir) => `dist-manifests/${dir}`);
    expect(committed.filter((folder) => !reached.has(folder))).toEqual([]);
  });
});

describe.each(ENVIRONMENT_NAMES)("%s on a real kube-apiserver", (environment) => {
  let controlPlane: ControlPlane;
  const steps = plan(environment);
  const documents = steps.flatMap((step) => (step.type === "apply" ? [step.manifest] : []));

  beforeAll(async () => {
    controlPlane = await ControlPlane.start(inject("controlPlaneBinaries"));
  });
  afterAll(async () => {
    await controlPlane?.stop();
  });

  it("accepts every committed document, in Argo CD's sync order, after the CRDs of the pinned charts", async () => {
    const applied = await applySteps(controlPlane.admin, REPO_ROOT, steps);
    const accepted = applied.filter((doc) => doc.by !== "CRDs");
    console.log(summary(environment, applied));
    // Every document of every folder the environment syncs, each applied once, in the plan's order.
    expect(accepted.map((doc) => doc.file)).toEqual(documents.map((m) => m.file));
    const folders = [...syncedFolders(steps)];
    const committed = folders.flatMap((folder) => readManifests(REPO_ROOT, join(REPO_ROOT, folder)));
    expect(accepted).toHaveLength(committed.length);
    expect(accepted.every((doc) => doc.status === 200 || doc.status === 201)).toBe(true);
    // The one warning allowed: kube-apiserver 1.35 prefers finalizer names with a path, and Argo CD's controller
    // acts on exactly `resources-finalizer.argocd.argoproj.io` (argo-cd pkg/apis/application/v1alpha1 types.go,
    // ResourcesFinalizerName), so the committed Applications and AppProjects must carry it as it is.
    const warnings = applied.flatMap((doc) => doc.warnings.map((w) => `${doc.file}: ${w}`));
    const argoFinalizer =
      /metadata\.finalizers: \\"resources-finalizer\.argocd\.argoproj\.io\\": prefer a domain-qualified finalizer name/;
    expect(warnings.filter((w) => !argoFinalizer.test(w))).toEqual([]);
  });

  it("refuses a Deployment whose container name is not a DNS label, which the JSON schemas accept", async () => {
    const committed = documents.find(
      (m: Manifest) => m.object.kind === "Deployment" && m.file.startsWith("dist-manifests/"),
    );
    if (committed === undefined) throw new Error(`no committed Deployment for ${environment}`);
    const invalid = structuredClone(committed.object) as KubeObject & {
      spec: { template: { spec: { containers: [{ name: string }] } } };
    };
    invalid.spec.template.spec.containers[0].name = "Consumer_Main";
    expect(validateDocument(invalid)).toEqual([]);
    const refusal = await controlPlane.admin.apply(invalid).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).status).toBe(422);
    expect((refusal as ApiError).message).toContain("spec.template.spec.containers[0].name");
    // The committed document, re-applied unchanged, is still accepted: the refusal is the field's alone.
    await expect(controlPlane.admin.apply(committed.object)).resolves.toMatchObject({ status: 200 });
  });
});

function summary(environment: string, applied: readonly AppliedDocument[]): string {
  const byKind = new Map<string, number>();
  for (const doc of applied) byKind.set(doc.kind, (byKind.get(doc.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([kind, count]) => `${kind} ${count}`).join(", ");
  return `${environment}: ${applied.length} documents accepted by kube-apiserver (${kinds})`;
}
