/**
 * Cross-reference checks over the synthesized documents of every environment: selectors match pod
 * labels, the ScaledObject targets the consumer Deployment (which has no replicas), Services and
 * monitors select the right pods and ports, referenced Secret/ConfigMap keys exist, probe ports
 * exist, every pod meets the restricted Pod Security Standard, and the Argo CD objects agree.
 */
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES, ENVIRONMENTS, PRODUCER_RATE_PER_SECOND } from "../../cdk8s/config.js";
import { configChecksum } from "../../cdk8s/lib/config-checksum.js";
import { PROVISIONING_JOB_NAME } from "../../cdk8s/lib/provisioning-job.js";
import { synthesize } from "../../cdk8s/synth.js";
import type { KubeDoc } from "./support/manifests.js";
import { docsUnder, parseFiles, selectorMatches } from "./support/manifests.js";

const files = parseFiles(synthesize());
const paths = files.map((f) => f.path);

/* eslint-disable @typescript-eslint/no-explicit-any */
interface Workload {
  doc: KubeDoc;
  pod: any;
  labels: Record<string, string>;
}

function workloads(docs: KubeDoc[]): Workload[] {
  return docs
    .filter((d) => d.kind === "Deployment" || d.kind === "Job")
    .map((doc) => ({ doc, pod: doc.spec.template.spec, labels: doc.spec.template.metadata?.labels ?? {} }));
}

function named(docs: KubeDoc[], kind: string, name: string): KubeDoc {
  const found = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (found === undefined) throw new Error(`${kind}/${name} not found`);
  return found;
}

function envValue(container: any, name: string): string | undefined {
  return container.env?.find((e: any) => e.name === name)?.value;
}

describe.each(ENVIRONMENT_NAMES)("environment %s", (env) => {
  const docs = docsUnder(files, `dist-manifests/${env}/`);
  const namespace = ENVIRONMENTS[env].namespace;
  const pods = workloads(docs);

  it("puts every namespaced object in the environment's namespace and none elsewhere", () => {
    for (const d of docs) {
      if (d.kind === "Namespace") expect(d.metadata.name).toBe(namespace);
      else expect(d.metadata.namespace, `${d.kind}/${d.metadata.name}`).toBe(namespace);
    }
  });

  it("has no plain Secret and no creationTimestamp", () => {
    expect(docs.filter((d) => d.kind === "Secret")).toEqual([]);
    for (const f of files) expect(f.doc.metadata).not.toHaveProperty("creationTimestamp");
  });

  it("Deployment selectors match their own pod template labels", () => {
    for (const w of pods.filter((p) => p.doc.kind === "Deployment"))
      expect(selectorMatches(w.doc.spec.selector, w.labels), w.doc.metadata.name).toBe(true);
  });

  it("the ScaledObject targets the consumer Deployment, which has no replicas field", () => {
    const scaled = docs.filter((d) => d.kind === "ScaledObject");
    expect(scaled).toHaveLength(1);
    for (const so of scaled) {
      const ref = so.spec.scaleTargetRef;
      expect(ref.kind ?? "Deployment").toBe("Deployment");
      const target = named(docs, "Deployment", ref.name);
      expect(target.metadata.labels?.["app.kubernetes.io/name"]).toBe("consumer");
      expect(target.spec).not.toHaveProperty("replicas");
      expect(so.spec.minReplicaCount).toBe(0);
      expect(so.spec.maxReplicaCount).toBe(ENVIRONMENTS[env].consumer.scaling.maxReplicas);
    }
    const targeted = new Set(scaled.map((s) => s.spec.scaleTargetRef.name));
    for (const d of docs.filter((x) => x.kind === "Deployment" && !targeted.has(x.metadata.name)))
      expect(d.spec.replicas, `${d.metadata.name} is not autoscaled`).toBeGreaterThanOrEqual(1);
  });

  it("the nats-jetstream trigger reads the stream and consumer group the apps use", () => {
    const so = docs.find((d) => d.kind === "ScaledObject")!;
    const consumer = named(docs, "Deployment", so.spec.scaleTargetRef.name).spec.template.spec.containers[0];
    const trigger = so.spec.triggers[0];
    expect(trigger.type).toBe("nats-jetstream");
    expect(trigger.metadata.consumer).toBe(envValue(consumer, "CONSUMER_GROUP"));
    expect(trigger.metadata.account).toBe(envValue(consumer, "BROKER_ACCOUNT"));
    const stream = envValue(consumer, "STREAM")!;
    const expected = envValue(consumer, "BROKER") === "memphis" ? `${stream}$1` : stream;
    expect(trigger.metadata.stream).toBe(expected);
    expect(`http://${trigger.metadata.natsServerMonitoringEndpoint}`).toBe(
      envValue(consumer, "BROKER_MONITOR_URL"),
    );
  });

  it("each Service selects the pods of exactly one Deployment and targets a container port", () => {
    for (const svc of docs.filter((d) => d.kind === "Service")) {
      const selected = pods.filter((w) => selectorMatches({ matchLabels: svc.spec.selector }, w.labels));
      expect(
        selected.map((w) => `${w.doc.kind}/${w.doc.metadata.name}`),
        svc.metadata.name,
      ).toHaveLength(1);
      expect(selected[0]!.doc.kind).toBe("Deployment");
      const ports = selected[0]!.pod.containers.flatMap((c: any) => c.ports ?? []);
      for (const p of svc.spec.ports) {
        expect(p.name).toBe("http");
        const match = ports.find((cp: any) => cp.containerPort === p.targetPort || cp.name === p.targetPort);
        expect(match, `${svc.metadata.name} targetPort ${p.targetPort}`).toBeDefined();
        expect(match.name).toBe("http");
      }
    }
  });

  it("each ServiceMonitor selects one Service and scrapes a port it names", () => {
    const monitors = docs.filter((d) => d.kind === "ServiceMonitor");
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(["consumer", "producer"]);
    for (const m of monitors) {
      const services = docs.filter(
        (d) => d.kind === "Service" && selectorMatches(m.spec.selector, d.metadata.labels),
      );
      expect(services, m.metadata.name).toHaveLength(1);
      const portNames = services[0]!.spec.ports.map((p: any) => p.name);
      for (const e of m.spec.endpoints) {
        expect(portNames).toContain(e.port);
        expect(e.path).toBe("/metrics");
      }
    }
  });

  it("the broker PodMonitor scrapes the exporter in the broker's namespace", () => {
    const pm = docs.find((d) => d.kind === "PodMonitor")!;
    const consumer = pods.find((w) => w.labels["app.kubernetes.io/name"] === "consumer")!.pod.containers[0];
    const host = new URL(envValue(consumer, "BROKER_MONITOR_URL")!).hostname; // <svc>.<namespace>.svc...
    expect(pm.spec.namespaceSelector.matchNames).toEqual([host.split(".")[1]]);
    expect(pm.spec.podMetricsEndpoints[0].port).toMatch(/metrics/);
  });

  it("every referenced Secret key and ConfigMap key exists", () => {
    let refs = 0;
    for (const w of pods)
      for (const c of w.pod.containers)
        for (const e of c.env ?? []) {
          const secretRef = e.valueFrom?.secretKeyRef;
          const cmRef = e.valueFrom?.configMapKeyRef;
          if (secretRef) {
            refs++;
            const sealed = named(docs, "SealedSecret", secretRef.name);
            expect(sealed.spec.template.metadata.name).toBe(secretRef.name);
            expect(Object.keys(sealed.spec.encryptedData)).toContain(secretRef.key);
          }
          if (cmRef) {
            refs++;
            expect(Object.keys(named(docs, "ConfigMap", cmRef.name).data)).toContain(cmRef.key);
          }
        }
    expect(refs).toBeGreaterThan(0);
  });

  it("probes use a port the container declares, on /livez and /readyz", () => {
    for (const w of pods.filter((p) => p.doc.kind === "Deployment"))
      for (const c of w.pod.containers) {
        const names = (c.ports ?? []).map((p: any) => p.name);
        expect(c.livenessProbe.httpGet).toMatchObject({ path: "/livez", port: "http" });
        expect(c.readinessProbe.httpGet).toMatchObject({ path: "/readyz", port: "http" });
        expect(names).toContain("http");
        expect(c.command).toEqual(["node", `dist/apps/${w.labels["app.kubernetes.io/name"]}/main.js`]);
      }
  });

  it("every pod meets the restricted Pod Security Standard", () => {
    expect(named(docs, "Namespace", namespace).metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe(
      "restricted",
    );
    for (const w of pods) {
      const p = w.pod;
      const where = `${w.doc.kind}/${w.doc.metadata.name}`;
      expect(p.hostNetwork ?? false, where).toBe(false);
      expect(p.hostPID ?? false, where).toBe(false);
      expect(p.hostIPC ?? false, where).toBe(false);
      expect(p.automountServiceAccountToken, where).toBe(false);
      // Restricted allows these volume types; the pods use only a /tmp emptyDir and read-only config.
      for (const v of p.volumes ?? [])
        expect(
          [
            ["emptyDir", "name"],
            ["configMap", "name"],
          ],
          where,
        ).toContainEqual(Object.keys(v).sort());
      for (const c of [...p.containers, ...(p.initContainers ?? [])]) {
        const sc = c.securityContext ?? {};
        expect(sc.runAsNonRoot ?? p.securityContext?.runAsNonRoot, where).toBe(true);
        const uid = sc.runAsUser ?? p.securityContext?.runAsUser;
        expect(Number.isInteger(uid) && uid > 0, where).toBe(true);
        expect(sc.allowPrivilegeEscalation, where).toBe(false);
        expect(sc.privileged ?? false, where).toBe(false);
        expect(sc.capabilities?.drop, where).toEqual(["ALL"]);
        expect(sc.capabilities?.add ?? [], where).toEqual([]);
        expect((sc.seccompProfile ?? p.securityContext?.seccompProfile)?.type, where).toBe("RuntimeDefault");
        expect(sc.readOnlyRootFilesystem, where).toBe(true);
        const tmp = (c.volumeMounts ?? []).find((m: any) => m.mountPath === "/tmp");
        expect(tmp, `${where} mounts /tmp`).toBeDefined();
        expect(p.volumes.find((v: any) => v.name === tmp.name).emptyDir).toBeDefined();
        expect(c.resources?.requests?.cpu && c.resources?.limits?.memory, where).toBeTruthy();
      }
    }
  });

  it("the consumer's grace period exceeds its drain timeout", () => {
    const consumer = named(docs, "Deployment", "consumer").spec.template.spec;
    const drainMs = Number(envValue(consumer.containers[0], "DRAIN_TIMEOUT_MS"));
    expect(drainMs).toBeGreaterThan(0);
    expect(consumer.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs);
  });

  it("the producer reads the rate from producer-config and carries its checksum", () => {
    const cm = named(docs, "ConfigMap", "producer-config");
    expect(Number(cm.data.RATE_PER_SECOND)).toBe(PRODUCER_RATE_PER_SECOND[env]);
    const template = named(docs, "Deployment", "producer").spec.template;
    expect(template.metadata.annotations["checksum/config"]).toBe(configChecksum(cm.data));
    expect(template.metadata.annotations["checksum/config"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the provisioning Job runs between config and apps, with the consumer's environment", () => {
    const job = named(docs, "Job", PROVISIONING_JOB_NAME);
    const wave = (d: KubeDoc): number =>
      Number(d.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);
    expect(job.metadata.annotations?.["argocd.argoproj.io/hook"]).toBe("Sync");
    expect(job.metadata.annotations?.["argocd.argoproj.io/hook-delete-policy"]).toBe("BeforeHookCreation");
    for (const d of docs.filter((x) => ["SealedSecret", "ConfigMap", "ServiceAccount"].includes(x.kind)))
      expect(wave(d)).toBeLessThan(wave(job));
    for (const d of docs.filter((x) => x.kind === "Deployment" || x.kind === "ScaledObject"))
      expect(wave(d)).toBeGreaterThan(wave(job));
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual(["node", "dist/apps/consumer/main.js", "--provision-only"]);
    const consumer = named(docs, "Deployment", "consumer").spec.template.spec.containers[0];
    expect(container.env).toEqual(consumer.env);
    expect(container.image).toBe(consumer.image);
    // Not selected by the consumer Service (it would be scraped while it runs).
    const svc = named(docs, "Service", "consumer");
    expect(selectorMatches({ matchLabels: svc.spec.selector }, job.spec.template.metadata.labels)).toBe(
      false,
    );
  });

  it("network policies: default deny, DNS, broker ports, metrics ingress on 'http'", () => {
    const policies = docs.filter((d) => d.kind === "NetworkPolicy");
    const deny = policies.find((p) => p.metadata.name === "default-deny")!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const broker = policies.find((p) => p.metadata.name === "allow-broker-egress")!;
    for (const w of pods) expect(selectorMatches(broker.spec.podSelector, w.labels)).toBe(true);
    const consumer = named(docs, "Deployment", "consumer").spec.template.spec.containers[0];
    const url = envValue(consumer, "BROKER_URL")!;
    const clientPort = Number(url.split(":").pop());
    const ports = broker.spec.egress[0].ports.map((p: any) => p.port);
    expect(ports).toContain(clientPort);
    expect(ports).toContain(Number(new URL(envValue(consumer, "BROKER_MONITOR_URL")!).port));
    const metrics = policies.find((p) => p.metadata.name === "allow-metrics-ingress")!;
    for (const w of pods.filter((p) => p.doc.kind === "Deployment"))
      expect(selectorMatches(metrics.spec.podSelector, w.labels)).toBe(true);
    expect(metrics.spec.ingress[0].ports[0].port).toBe("http");
  });
});

describe.each(ENVIRONMENT_NAMES)("Argo CD objects of %s", (env) => {
  const bootstrap = docsUnder(files, `argocd/${env}/bootstrap/`);
  const apps = docsUnder(files, `argocd/${env}/apps/`);
  const pipeline = docsUnder(files, `dist-manifests/${env}/`);
  const projects = bootstrap.filter((d) => d.kind === "AppProject");
  const applications = [...bootstrap, ...apps].filter((d) => d.kind === "Application");

  it("the root Application points at this environment's apps folder, which exists", () => {
    const root = bootstrap.find((d) => d.kind === "Application")!;
    expect(root.spec.source.path).toBe(`argocd/${env}/apps`);
    expect(paths.some((p) => p.startsWith(`${root.spec.source.path}/`))).toBe(true);
  });

  it("no Application or AppProject uses the default project", () => {
    expect(projects.map((p) => p.metadata.name)).not.toContain("default");
    for (const a of applications) expect(a.spec.project).not.toBe("default");
  });

  it("every Application's source, destination and project agree, with the sync policy", () => {
    for (const a of applications) {
      const project = projects.find((p) => p.metadata.name === a.spec.project);
      expect(project, `${a.metadata.name} project`).toBeDefined();
      expect(project!.spec.sourceRepos).toContain(a.spec.source.repoURL);
      expect(project!.spec.destinations.map((d: any) => d.namespace)).toContain(a.spec.destination.namespace);
      expect(a.metadata.finalizers).toContain("resources-finalizer.argocd.argoproj.io");
      expect(a.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(a.spec.syncPolicy.syncOptions).toContain("CreateNamespace=true");
      expect(a.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
      if (a.spec.source.chart !== undefined) expect(a.spec.source.targetRevision).toMatch(/^\d+\.\d+\.\d+$/);
      else
        expect(
          paths.some((p) => p.startsWith(`${a.spec.source.path}/`)),
          a.spec.source.path,
        ).toBe(true);
    }
  });

  it("the pipeline Application syncs dist-manifests/<env> after the infrastructure, ignoring consumer replicas", () => {
    const app = apps.find((a) => a.spec.source.path === `dist-manifests/${env}`)!;
    const wave = (d: KubeDoc): number =>
      Number(d.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);
    for (const other of apps.filter((a) => a !== app)) expect(wave(other)).toBeLessThan(wave(app));
    expect(app.spec.syncPolicy.syncOptions).toEqual(
      expect.arrayContaining(["RespectIgnoreDifferences=true", "SkipDryRunOnMissingResource=true"]),
    );
    const scaled = pipeline.filter((d) => d.kind === "ScaledObject").map((s) => s.spec.scaleTargetRef.name);
    expect(app.spec.ignoreDifferences).toEqual(
      scaled.map((name) =>
        expect.objectContaining({
          group: "apps",
          kind: "Deployment",
          name,
          jsonPointers: ["/spec/replicas"],
        }),
      ),
    );
    // The pipeline project allows exactly the kinds the pipeline synthesizes.
    const project = projects.find((p) => p.metadata.name === app.spec.project)!;
    const allowed = [
      ...project.spec.namespaceResourceWhitelist,
      ...project.spec.clusterResourceWhitelist,
    ].map((k: any) => `${k.group}/${k.kind}`);
    const used = [
      ...new Set(
        pipeline.map((d) => `${d.apiVersion.includes("/") ? d.apiVersion.split("/")[0] : ""}/${d.kind}`),
      ),
    ];
    expect(allowed.sort()).toEqual(used.sort());
  });

  it("installs the broker this environment picked, and the operators before it", () => {
    const consumer = pipeline.find((d) => d.kind === "Deployment" && d.metadata.name === "consumer")!;
    const broker = envValue(consumer.spec.template.spec.containers[0], "BROKER");
    const charts = apps.filter((a) => a.spec.source.chart).map((a) => a.spec.source.chart);
    expect(charts).toContain(broker);
    expect(charts).toEqual(
      expect.arrayContaining(["keda", "sealed-secrets", "kube-prometheus-stack", "loki"]),
    );
    const sealed = apps.find((a) => a.spec.source.chart === "sealed-secrets")!;
    expect(sealed.spec.source.helm.valuesObject.fullnameOverride).toBe("sealed-secrets-controller");
    expect(sealed.spec.destination.namespace).toBe("kube-system");
    if (broker === "memphis") {
      const memphis = apps.find((a) => a.spec.source.chart === "memphis")!;
      expect(memphis.spec.source.targetRevision).toBe("1.4.3");
      expect(memphis.spec.source.helm.valuesObject.exporter.enabled).toBe(true);
    }
    const kps = apps.find((a) => a.spec.source.chart === "kube-prometheus-stack")!;
    expect(kps.spec.source.helm.valuesObject.grafana.sidecar.dashboards).toMatchObject({
      enabled: true,
      label: "grafana_dashboard",
    });
  });
});
