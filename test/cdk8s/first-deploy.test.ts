/**
 * What would break a first `argocd app sync` on a fresh cluster, checked against the facts of the
 * pinned chart versions (schemas/charts/, read from each chart's upstream source). Each check runs
 * on the synthesized Applications of every environment, and each has a negative control: a
 * deliberately wrong fixture that the same check rejects.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chartKey, pinnedCrdDir, readChartFacts, SCHEMAS_DIR } from "../../cdk8s/argocd/chart-facts.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { validateDocument } from "../support/schemas.js";
import type { ChartCrd, ChartFacts } from "../../cdk8s/argocd/chart-facts.js";
import { retryBackoffs, retryLimit, SYNC_RETRY } from "../../cdk8s/argocd/argo-application.js";
import { APPLICATION_HEALTH_KEY } from "../../cdk8s/argocd/argocd-charts.js";
import { BROKER_BY_ENVIRONMENT, ENVIRONMENT_NAMES, HELM_CHARTS } from "../../cdk8s/config.js";
import { MEMORY_SIZING, memoryLimitMebibytes, PEAK_RSS } from "../../cdk8s/lib/memory-limits.js";
import { peakRssFigures } from "../../bench/src/peak-rss.js";
import type { BenchResults } from "../../bench/src/results.js";
import type { AppName } from "../../cdk8s/lib/labels.js";
import type { BrokerKind } from "../../src/broker/port.js";
import { synthesize } from "../../cdk8s/synth.js";
import type { KubeDoc } from "./support/manifests.js";
import { docsUnder, parseFiles } from "./support/manifests.js";
import { secretsLeftToChart, unknownValuesKeys, valueAt } from "./support/chart-values.js";

const files = parseFiles(synthesize());

/* eslint-disable @typescript-eslint/no-explicit-any */
const clone = <T>(v: T): T => structuredClone(v);
const wave = (d: KubeDoc): number => Number(d.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);

function helmApps(env: string): KubeDoc[] {
  return docsUnder(files, `argocd/${env}/apps/`).filter((d) => d.spec.source.chart !== undefined);
}

function factsOf(app: KubeDoc): ChartFacts {
  const { repoUrl, chart, targetRevision } = app.spec.source;
  return readChartFacts({ repoURL: repoUrl, chart, version: targetRevision });
}

/** Item 1: an Application whose chart ships a CRD over the client-side apply limit must sync server-side. */
function needsServerSideApply(app: KubeDoc): string[] {
  const big = factsOf(app).crds.filter((c) => c.overClientSideApplyLimit);
  const ssa = (app.spec.syncPolicy.syncOptions ?? []).includes("ServerSideApply=true");
  return big.length > 0 && !ssa
    ? big.map((c) => `${app.metadata.name}: ${c.name} (${c.kubectlLastAppliedEstimateBytes} bytes)`)
    : [];
}

/** Is a chart's CRD installed with these values (its condition names a switch that is off by default)? */
function installedWith(crd: ChartCrd, values: unknown): boolean {
  const condition = (crd as ChartCrd & { condition?: string }).condition ?? "";
  if (!/\(default false\)/.test(condition)) return true;
  const path = /[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+/.exec(condition)?.[0];
  return path !== undefined && Boolean(valueAt(values, path));
}

/** Item 7: kinds each Application creates -> the wave of the Application whose chart installs the CRD. */
function crdOrderProblems(apps: KubeDoc[], customKinds: Record<string, readonly string[]>): string[] {
  const installerWave = new Map<string, number>();
  for (const app of apps.filter((a) => a.spec.source.chart !== undefined))
    for (const crd of factsOf(app).crds.filter((c) => installedWith(c, app.spec.source.helm.valuesObject)))
      installerWave.set(crd.kind, wave(app));
  const problems: string[] = [];
  for (const app of apps)
    for (const kind of customKinds[app.metadata.name] ?? []) {
      const installed = installerWave.get(kind);
      if (installed === undefined) problems.push(`${app.metadata.name}: no Application installs ${kind}`);
      else if (installed >= wave(app))
        problems.push(
          `${app.metadata.name} (wave ${wave(app)}) uses ${kind}, installed in wave ${installed}`,
        );
    }
  return problems;
}

describe("chart facts are vendored for every pinned chart", () => {
  it.each(Object.values(HELM_CHARTS).map((c) => [chartKey(c), c] as const))("%s", (_key, chart) => {
    expect(readChartFacts(chart).version).toBe(chart.version);
  });

  it("a bumped chart without its facts fails loudly (negative control)", () => {
    expect(() => readChartFacts({ ...HELM_CHARTS.keda, version: "9.9.9" })).toThrow(
      /no chart facts for keda@9.9.9/,
    );
  });
});

describe.each(ENVIRONMENT_NAMES)("Applications of %s", (env) => {
  const apps = docsUnder(files, `argocd/${env}/apps/`);
  const charts = helmApps(env);

  it("1. every Application whose chart ships a CRD over 256 KiB syncs server-side", () => {
    expect(charts.flatMap(needsServerSideApply)).toEqual([]);
    const keda = clone(charts.find((a) => a.metadata.name === "keda")!);
    keda.spec.syncPolicy.syncOptions = keda.spec.syncPolicy.syncOptions.filter(
      (o: string) => o !== "ServerSideApply=true",
    );
    expect(needsServerSideApply(keda)).toEqual(["keda: scaledjobs.keda.sh (280006 bytes)"]);
  });

  it("2/4. no Application leaves a generated Secret to the chart (randAlphaNum without lookup under Argo CD)", () => {
    for (const app of charts)
      expect(secretsLeftToChart(app.spec.source.helm.valuesObject, factsOf(app)), app.metadata.name).toEqual(
        [],
      );
    const kps = charts.find((a) => a.metadata.name === "kube-prometheus-stack")!;
    const withoutAdmin = clone(kps.spec.source.helm.valuesObject);
    delete withoutAdmin.grafana.admin;
    expect(secretsLeftToChart(withoutAdmin, factsOf(kps))).toEqual(["kube-prometheus-stack-grafana"]);
    const memphis = charts.find((a) => a.metadata.name === "memphis");
    if (memphis !== undefined) {
      const bare = clone(memphis.spec.source.helm.valuesObject);
      delete bare.memphis.creds;
      delete bare.metadata.postgresql;
      expect(secretsLeftToChart(bare, factsOf(memphis))).toEqual(["memphis-creds", "memphis-metadata"]);
      // A switch that is off by default turns a Secret on (negative control of the condition parsing).
      const ldap = clone(memphis.spec.source.helm.valuesObject);
      ldap.metadata.ldap = { enabled: true };
      expect(secretsLeftToChart(ldap, factsOf(memphis))).toEqual(["memphis-metadata-ldap"]);
    }
  });

  it("2/4. every existing Secret an Application names is a SealedSecret of the platform-secrets manifests, with the keys read", () => {
    const sealed = docsUnder(files, `dist-manifests/${env}-platform/`).filter(
      (d) => d.kind === "SealedSecret",
    );
    const find = (name: string, namespace: string): KubeDoc | undefined =>
      sealed.find((s) => s.metadata.name === name && s.metadata.namespace === namespace);
    const kps = charts.find((a) => a.metadata.name === "kube-prometheus-stack")!;
    const admin = kps.spec.source.helm.valuesObject.grafana.admin;
    const grafana = find(admin.existingSecret, kps.spec.destination.namespace);
    expect(Object.keys(grafana?.spec.encryptedData ?? {}).sort()).toEqual(
      [admin.passwordKey, admin.userKey].sort(),
    );
    const memphis = charts.find((a) => a.metadata.name === "memphis");
    if (memphis !== undefined) {
      const v = memphis.spec.source.helm.valuesObject;
      const ns = memphis.spec.destination.namespace;
      const facts = factsOf(memphis);
      const creds = facts.generatedSecrets.find((s) => s.name === "memphis-creds") as any;
      expect(
        Object.keys(find(v.memphis.creds.secretConfig.name, ns)?.spec.encryptedData ?? {}).sort(),
      ).toEqual(creds.keys.map((k: any) => k.key).sort());
      expect(Object.keys(find(v.metadata.postgresql.existingSecret, ns)?.spec.encryptedData ?? {})).toContain(
        "password",
      );
      expect(Object.keys(find(v.metadata.pgpool.existingSecret, ns)?.spec.encryptedData ?? {})).toEqual([
        "admin-password",
      ]);
      expect(find("not-sealed", ns)).toBeUndefined();
    }
    expect(apps.find((a) => a.metadata.name === "platform-secrets")!.spec.source.path).toBe(
      `dist-manifests/${env}-platform`,
    );
  });

  it("7. each Application's custom resources have their CRD installed by an earlier wave", () => {
    const customKinds: Record<string, readonly string[]> = {
      // KEDA's chart ships ServiceMonitors (prometheus.*.serviceMonitor.enabled).
      keda: ["ServiceMonitor"],
      "platform-secrets": ["SealedSecret"],
      "event-pipeline": [...new Set(docsUnder(files, `dist-manifests/${env}/`).map((d) => d.kind))].filter(
        (k) => ["SealedSecret", "ScaledObject", "ServiceMonitor", "PodMonitor", "PrometheusRule"].includes(k),
      ),
    };
    expect(crdOrderProblems(apps, customKinds)).toEqual([]);
    const sameWave = clone(apps);
    const keda = sameWave.find((a) => a.metadata.name === "keda")!;
    const kps = sameWave.find((a) => a.metadata.name === "kube-prometheus-stack")!;
    keda.metadata.annotations!["argocd.argoproj.io/sync-wave"] = String(wave(kps));
    expect(crdOrderProblems(sameWave, customKinds)).toEqual([
      `keda (wave ${wave(kps)}) uses ServiceMonitor, installed in wave ${wave(kps)}`,
    ]);
    for (const app of apps.filter((a) => (customKinds[a.metadata.name] ?? []).length > 0))
      expect(app.spec.syncPolicy.syncOptions, app.metadata.name).toContain(
        "SkipDryRunOnMissingResource=true",
      );
  });

  it("7. retries span the first-deploy window, and the bootstrap ships Argo CD's Application health check", () => {
    for (const app of [
      ...apps,
      ...docsUnder(files, `argocd/${env}/bootstrap/`).filter((d) => d.kind === "Application"),
    ]) {
      const retry = app.spec.syncPolicy.retry;
      expect(retry.limit, app.metadata.name).toBe(retryLimit());
      const total = retryBackoffs(retry.limit).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(SYNC_RETRY.firstDeployMinutes * 60);
    }
    // The old setting (5 retries) covered about 5 minutes.
    expect(retryBackoffs(5).reduce((a, b) => a + b, 0)).toBe(310);
    expect(retryBackoffs(5).reduce((a, b) => a + b, 0)).toBeLessThan(SYNC_RETRY.firstDeployMinutes * 60);
    const cm = docsUnder(files, `argocd/${env}/bootstrap/`).find((d) => d.kind === "ConfigMap");
    expect(cm?.metadata).toMatchObject({ name: "argocd-cm", namespace: "argocd" });
    expect(cm?.data[APPLICATION_HEALTH_KEY]).toMatch(/hs.status = obj.status.health.status/);
  });

  it("11. every values key an Application sets is a key of its pinned chart", () => {
    for (const app of charts)
      expect(
        unknownValuesKeys(app.spec.source.helm.valuesObject, factsOf(app)),
        `${app.metadata.name} ${chartKey({ repoURL: "", chart: app.spec.source.chart, version: app.spec.source.targetRevision })}`,
      ).toEqual([]);
    const nats = readChartFacts(HELM_CHARTS.nats);
    // Misspelt, invented, under a known leaf's parent, and the pre-1.0 layout of the NATS chart.
    expect(
      unknownValuesKeys(
        {
          promExporter: { enabld: true },
          nats: { jetstream: { enabled: true } },
          config: { jetstream: { enabled: true } },
        },
        nats,
      ),
    ).toEqual(["promExporter.enabld", "nats"]);
    const kps = readChartFacts(HELM_CHARTS.kubePrometheusStack);
    // Subchart keys pass under their dependency name; free-form maps take any sub-key.
    expect(
      unknownValuesKeys({ grafana: { sidecar: { dashboards: { enabled: true } }, admn: {} } }, kps),
    ).toEqual(["grafana.admn"]);
    expect(unknownValuesKeys({ commonLabels: { anything: "x" } }, kps)).toEqual([]);
  });

  it("9. every ScaledObject with a fallback uses metricType AverageValue on all its triggers", () => {
    const check = (so: KubeDoc): string[] =>
      so.spec.fallback === undefined
        ? []
        : so.spec.triggers
            .filter((t: any) => t.metricType !== "AverageValue")
            .map((t: any) => `${so.metadata.name}/${t.type}`);
    const scaled = docsUnder(files, `dist-manifests/${env}/`).filter((d) => d.kind === "ScaledObject");
    expect(scaled.length).toBeGreaterThan(0);
    for (const so of scaled) expect(check(so)).toEqual([]);
    const bad = clone(scaled[0]!);
    delete bad.spec.triggers[0].metricType;
    expect(check(bad)).toEqual([`consumer/${bad.spec.triggers[0].type}`]);
  });

  it("6. KEDA's monitoring endpoint is the broker's headless Service (leader lookup on clustered JetStream)", () => {
    const app = charts.find((a) => a.metadata.name === "memphis" || a.metadata.name === "nats")!;
    const facts = factsOf(app) as any;
    const headless: string[] = facts.services
      .filter((s: any) => s.headless && s.ports.some((p: any) => p.port === 8222))
      .map((s: any) => `${s.name}.${app.spec.destination.namespace}.svc.cluster.local`);
    const isHeadless = (endpoint: string): boolean => headless.includes(endpoint.split(":")[0]!);
    for (const so of docsUnder(files, `dist-manifests/${env}/`).filter((d) => d.kind === "ScaledObject"))
      for (const t of so.spec.triggers.filter((x: any) => x.type === "nats-jetstream"))
        expect(
          isHeadless(t.metadata.natsServerMonitoringEndpoint),
          t.metadata.natsServerMonitoringEndpoint,
        ).toBe(true);
    // The NATS chart's client Service is not headless and has no 8222 by default (negative control).
    const nats = readChartFacts(HELM_CHARTS.nats) as any;
    const natsHeadless = nats.services.filter((s: any) => s.headless).map((s: any) => s.name);
    expect(nats.services.map((s: any) => s.name)).toContain("nats");
    expect(natsHeadless).not.toContain("nats");
  });
});

describe("10. custom resources validate against the CRDs of the pinned chart versions", () => {
  const pinned = Object.values(HELM_CHARTS).map((chart) => ({ chart, facts: readChartFacts(chart) }));
  // Custom groups contain a dot; built-in ones end in .k8s.io; Argo CD's own CRDs come with Argo CD.
  const customDocs = files.filter(
    (f) => /^[^/]+\.[^/]+\//.test(f.doc.apiVersion) && !/\.k8s\.io\/|^argoproj\.io\//.test(f.doc.apiVersion),
  );

  it("every custom kind is installed by a pinned chart whose CRD file is vendored, and is validated by it", () => {
    const kinds = [...new Set(customDocs.map((f) => f.doc.kind))].sort();
    expect(kinds).toEqual(["PodMonitor", "PrometheusRule", "ScaledObject", "SealedSecret", "ServiceMonitor"]);
    for (const kind of kinds) {
      const owner = pinned.find((p) =>
        p.facts.crds.some((c) => c.kind === kind && !/\(default false\)/.test((c as any).condition ?? "")),
      );
      expect(owner, kind).toBeDefined();
      const dir = join(SCHEMAS_DIR, pinnedCrdDir(owner!.chart));
      const text = readdirSync(dir)
        .map((f) => readFileSync(join(dir, f), "utf8"))
        .join("\n");
      expect(text, `${kind} CRD in ${dir}`).toMatch(new RegExp(`kind: ${kind}\\n`));
    }
    for (const f of customDocs) expect(validateDocument(f.doc), f.path).toEqual([]);
  });

  it("rejects a field that only newer CRDs have (KEDA 2.17+ fallback.behavior) — the old schemas accepted it", () => {
    const so = clone(customDocs.find((f) => f.doc.kind === "ScaledObject")!.doc);
    so.spec.fallback.behavior = "static";
    expect(validateDocument(so).join("\n")).toMatch(/additional/);
  });

  it("the README states the Kubernetes range the pinned KEDA supports", () => {
    const deploy = readFileSync(join(REPO_ROOT, "docs", "deploy.md"), "utf8");
    // KEDA 2.16 supports Kubernetes 1.29–1.31 (keda.sh/docs/2.16/operate/cluster/#kubernetes-compatibility).
    expect(HELM_CHARTS.keda.version).toMatch(/^2\.16\./);
    expect(deploy).toMatch(/Kubernetes 1\.29–1\.31/);
    expect(readFileSync(join(REPO_ROOT, "README.md"), "utf8")).toMatch(/Kubernetes 1\.29–1\.31/);
  });
});

describe("8. memory limits come from the recorded benchmark peak RSS plus headroom", () => {
  // The newest committed bench record that measured every app on every broker, read here on its
  // own: the figures cdk8s reads (cdk8s/data/peak-rss.json) must be that record's.
  const recordsDir = join(REPO_ROOT, "bench", "records");
  const records = readdirSync(recordsDir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .sort()
    .reverse()
    .map((f) => {
      const results = JSON.parse(readFileSync(join(recordsDir, f), "utf8")) as BenchResults;
      return peakRssFigures(results, `bench/records/${f}`);
    });
  const newest = records.find((r) => "figures" in r);
  if (newest === undefined || !("figures" in newest)) throw new Error(`no complete record in ${recordsDir}`);
  const recorded = newest.figures;
  const underLimit = (limitMib: number, broker: BrokerKind, app: AppName): boolean =>
    limitMib >= recorded.peakRssMebibytes[broker][app] * MEMORY_SIZING.headroom;

  it("cdk8s/data/peak-rss.json states the newest complete bench record's peaks (npm run bench -- --record)", () => {
    expect(PEAK_RSS).toEqual(recorded);
    // Negative control: a record lacking a broker does not replace the figures.
    expect(peakRssFigures({ brokers: {} }, "x")).toEqual({
      missing: [
        "peakRssConsumer (MiB) on nats",
        "peakRssProducer (MiB) on nats",
        "peakRssConsumer (MiB) on memphis",
        "peakRssProducer (MiB) on memphis",
      ],
    });
  });

  it.each(ENVIRONMENT_NAMES)(
    "%s: every container's limit covers its app's recorded peak × headroom",
    (env) => {
      const broker = BROKER_BY_ENVIRONMENT[env];
      const deployments = docsUnder(files, `dist-manifests/${env}/`).filter((d) => d.kind === "Deployment");
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["consumer", "producer"]);
      for (const d of deployments) {
        const limit = d.spec.template.spec.containers[0].resources.limits.memory as string;
        expect(limit, d.metadata.name).toMatch(/^\d+Mi$/);
        expect(
          underLimit(parseInt(limit, 10), broker, d.metadata.name as AppName),
          `${env} ${d.metadata.name} ${limit}`,
        ).toBe(true);
      }
    },
  );

  it("a limit of the bare peak (no headroom) fails the rule (negative control)", () => {
    for (const broker of ["nats", "memphis"] as const)
      for (const app of ["consumer", "producer"] as const) {
        const peak = recorded.peakRssMebibytes[broker][app];
        expect(peak, `${broker} ${app}`).toBeGreaterThan(0);
        expect(underLimit(Math.ceil(peak), broker, app), `${broker} ${app}`).toBe(false);
        const limit = memoryLimitMebibytes(broker, app);
        expect(limit % MEMORY_SIZING.stepMebibytes, `${broker} ${app}`).toBe(0);
        expect(underLimit(limit, broker, app), `${broker} ${app}`).toBe(true);
      }
  });
});

describe.each(ENVIRONMENT_NAMES)(
  "2/4. the platform project admits the sealed platform Secrets of %s",
  (env) => {
    const project = docsUnder(files, `argocd/${env}/bootstrap/`).find(
      (d) => d.kind === "AppProject" && d.metadata.name === "event-pipeline-platform",
    )!;
    const rejected = (docs: KubeDoc[], p: KubeDoc): string[] => {
      const allowed = new Set(
        [...p.spec.namespaceResourceWhitelist, ...p.spec.clusterResourceWhitelist].map(
          (k: any) => `${k.group}/${k.kind}`,
        ),
      );
      const namespaces = new Set(p.spec.destinations.map((d: any) => d.namespace));
      return docs.flatMap((d) => {
        const gk = `${d.apiVersion.includes("/") ? d.apiVersion.split("/")[0] : ""}/${d.kind}`;
        return [
          ...(allowed.has(gk) ? [] : [`kind ${gk}`]),
          ...(d.metadata.namespace === undefined || namespaces.has(d.metadata.namespace)
            ? []
            : [`namespace ${d.metadata.namespace}`]),
        ];
      });
    };

    it("every kind and namespace of dist-manifests/<env>-platform is allowed", () => {
      const docs = docsUnder(files, `dist-manifests/${env}-platform/`);
      expect(docs.some((d) => d.kind === "SealedSecret")).toBe(true);
      expect(rejected(docs, project)).toEqual([]);
      const without = clone(project);
      without.spec.namespaceResourceWhitelist = without.spec.namespaceResourceWhitelist.filter(
        (k: any) => k.kind !== "SealedSecret",
      );
      expect(new Set(rejected(docs, without))).toEqual(new Set(["kind bitnami.com/SealedSecret"]));
    });
  },
);
