/**
 * Items 5 and 12: every cluster object a command of README.md or docs/*.md names (controller,
 * namespace, Service, Deployment, Secret, ScaledObject, Application) is one the manifests create,
 * and the deploy guide builds the images before the bootstrap. Parsed from the fenced code blocks.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readChartFacts } from "../../cdk8s/argocd/chart-facts.js";
import { ENVIRONMENT_NAMES, HELM_CHARTS } from "../../cdk8s/config.js";
import { synthesize } from "../../cdk8s/synth.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import type { ClusterObjects, DocCommand } from "./support/doc-commands.js";
import { commandProblems, docCommands, objectsOf } from "./support/doc-commands.js";
import type { KubeDoc } from "./support/manifests.js";
import { parseFiles } from "./support/manifests.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const docs = parseFiles(synthesize()).map((f) => f.doc);

/** Objects a Helm Application's chart creates that commands may name: its Services (facts), and its Deployment when fullnameOverride names it. */
function chartObjects(app: KubeDoc): string[] {
  const { chart, targetRevision, repoUrl, helm } = app.spec.source;
  const facts = readChartFacts({ repoURL: repoUrl, chart, version: targetRevision }) as any;
  const ns = app.spec.destination.namespace;
  const override: string | undefined = helm.valuesObject?.fullnameOverride;
  const rename = (name: string): string =>
    override !== undefined && name.startsWith(chart) ? override + name.slice(chart.length) : name;
  return [
    ...facts.services.map((s: any) => `Service/${ns}/${rename(s.name)}`),
    ...(override === undefined ? [] : [`Deployment/${ns}/${override}`]),
  ];
}

/**
 * What the pinned Argo CD install (kind/pins.ts ARGO_CD_VERSION) creates that the guide names: the
 * Service argocd-server (argo-cd v3.5.1 manifests/install.yaml) and the Secret with the initial
 * admin password the server writes at its first start (util/settings/settings.go
 * initialPasswordSecretName).
 */
const ARGO_CD_OBJECTS = ["Service/argocd/argocd-server", "Secret/argocd/argocd-initial-admin-secret"];

function clusterOf(all: readonly KubeDoc[]): ClusterObjects {
  const apps = all.filter((d) => d.kind === "Application");
  const sealedSecrets = apps.find((a) => a.spec.source.chart === HELM_CHARTS.sealedSecrets.chart)!;
  return {
    namespaces: new Set([
      ...all.filter((d) => d.kind === "Namespace").map((d) => d.metadata.name),
      ...all.map((d) => d.metadata.namespace).filter((n): n is string => n !== undefined),
      ...apps.map((a) => a.spec.destination.namespace as string),
    ]),
    objects: new Set([
      ...objectsOf(all),
      ...apps.filter((a) => a.spec.source.chart).flatMap(chartObjects),
      ...ARGO_CD_OBJECTS,
    ]),
    sealedSecretsController: {
      name: sealedSecrets.spec.source.helm.valuesObject.fullnameOverride,
      namespace: sealedSecrets.spec.destination.namespace,
    },
  };
}

const cluster = clusterOf(docs);
const markdownFiles = [
  "README.md",
  ...readdirSync(join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const commands: DocCommand[] = markdownFiles.flatMap((f) =>
  docCommands(f, readFileSync(join(REPO_ROOT, f), "utf8")),
);

function problemsOf(list: readonly DocCommand[]): string[] {
  const created = new Set<string>();
  return list.flatMap((c) => commandProblems(c, cluster, created));
}

describe("5. commands in the documentation name objects the manifests create", () => {
  it("finds the deploy guide's kubectl and kubeseal commands", () => {
    const tools = commands.map((c) => c.argv[0]);
    expect(tools.filter((t) => t === "kubeseal").length).toBeGreaterThanOrEqual(1);
    expect(tools.filter((t) => t === "kubectl").length).toBeGreaterThanOrEqual(10);
    expect(
      commands.some((c) => c.text.startsWith("kubectl get scaledobject,hpa,deploy -n event-pipeline -w")),
    ).toBe(true);
  });

  it("every named controller, namespace, Service, Deployment, Secret, ScaledObject and Application exists", () => {
    expect(problemsOf(commands)).toEqual([]);
  });

  it("every file a kubectl -f names is in the repository (or a URL)", () => {
    for (const c of commands.filter((x) => x.argv[0] === "kubectl")) {
      const i = c.argv.indexOf("-f");
      if (i < 0) continue;
      const target = c.argv[i + 1]!;
      expect(/^https:\/\//.test(target) || existsSync(join(REPO_ROOT, target)), `${c.file}: ${c.text}`).toBe(
        true,
      );
    }
  });

  it("rejects the old README's controller name and objects that do not exist (negative controls)", () => {
    const bad = docCommands(
      "fixture.md",
      [
        "```sh",
        "kubeseal --controller-name sealed-secrets --controller-namespace kube-system --fetch-cert > cert.pem",
        "kubectl -n event-pipeline rollout status deployment/producr",
        "kubectl get scaledobject consumer -n event-pipelin",
        "kubectl -n monitoring port-forward service/grafana 3000:80",
        "kubectl delete namespace event-pipeline nats-system",
        "kubectl -n argocd patch application event-pipelin --type merge -p '{}'",
        "```",
      ].join("\n"),
    );
    expect(problemsOf(bad)).toEqual([
      "fixture.md: kubeseal --controller-name sealed-secrets --controller-namespace kube-system --fetch-cert > cert.pem: --controller-name sealed-secrets is not the controller sealed-secrets-controller",
      "fixture.md: kubectl -n event-pipeline rollout status deployment/producr: Deployment producr is not created in event-pipeline",
      "fixture.md: kubectl get scaledobject consumer -n event-pipelin: namespace event-pipelin is not created",
      "fixture.md: kubectl get scaledobject consumer -n event-pipelin: ScaledObject consumer is not created in event-pipelin",
      "fixture.md: kubectl -n monitoring port-forward service/grafana 3000:80: Service grafana is not created in monitoring",
      "fixture.md: kubectl delete namespace event-pipeline nats-system: Namespace nats-system is not created",
      "fixture.md: kubectl -n argocd patch application event-pipelin --type merge -p '{}': Application event-pipelin is not created in argocd",
    ]);
  });

  it("kubeseal is the version of the controller the pinned chart runs", () => {
    const controller = (readChartFacts(HELM_CHARTS.sealedSecrets) as any).appVersion as string;
    const deploy = readFileSync(join(REPO_ROOT, "docs", "deploy.md"), "utf8");
    expect(deploy).toContain(`KUBESEAL_VERSION=${controller}`);
  });
});

describe("12. the deploy guide builds the images before the bootstrap", () => {
  const order = (text: string): number[] => {
    const list = docCommands("docs/deploy.md", text).map((c) => c.text);
    const images = list.findIndex((t) => t.startsWith("gh workflow run images.yml"));
    const bootstrap = list.findIndex((t) => /^kubectl apply -f argocd\/[a-z]+\/bootstrap\/$/.test(t));
    return [images, bootstrap];
  };

  it("runs the images workflow (which exists and can be dispatched) before applying the bootstrap", () => {
    const [images, bootstrap] = order(readFileSync(join(REPO_ROOT, "docs", "deploy.md"), "utf8"));
    expect(images).toBeGreaterThanOrEqual(0);
    expect(bootstrap).toBeGreaterThan(images!);
    expect(readFileSync(join(REPO_ROOT, ".github", "workflows", "images.yml"), "utf8")).toMatch(
      /workflow_dispatch:/,
    );
    for (const env of ENVIRONMENT_NAMES)
      expect(existsSync(join(REPO_ROOT, "argocd", env, "bootstrap"))).toBe(true);
  });

  it("fails a guide that bootstraps first (negative control)", () => {
    const [images, bootstrap] = order(
      "```sh\nkubectl apply -f argocd/dev/bootstrap/\ngh workflow run images.yml\n```\n",
    );
    expect(bootstrap! < images!).toBe(true);
  });
});
