/**
 * Who may reach the NATS pods, worked out from the synthesized NetworkPolicies of the broker's
 * namespace the way the API defines them (a pod selected by any ingress policy accepts only what
 * one of them allows; peers are namespace and pod selectors, ANDed within one peer): the client
 * port only from the pipeline's pods, the monitoring port from KEDA and the pipeline, the exporter
 * from monitoring, the routes from the broker's own pods. The negative control evaluates the same
 * question without the policies: everyone may connect.
 */
import { describe, expect, it } from "vitest";
import { BROKER_BY_ENVIRONMENT, ENVIRONMENT_NAMES, ENVIRONMENTS } from "../../cdk8s/config.js";
import { brokerEndpoints } from "../../cdk8s/lib/broker-endpoints.js";
import { KEDA_NAMESPACE, MONITORING_NAMESPACE } from "../../cdk8s/lib/platform-names.js";
import { PROVISIONING_POD_LABELS } from "../../cdk8s/lib/provisioning-job.js";
import { synthesize } from "../../cdk8s/synth.js";
import type { KubeDoc } from "./support/manifests.js";
import { docsUnder, parseFiles, selectorMatches } from "./support/manifests.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
interface Source {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Whether `source` may open `port` on a pod labelled `target` in `namespace`, under `policies`. */
function mayConnect(
  policies: readonly KubeDoc[],
  namespace: string,
  target: Record<string, string>,
  source: Source,
  port: number,
): boolean {
  const selecting = policies.filter(
    (p) =>
      p.metadata.namespace === namespace &&
      (p.spec.policyTypes ?? ["Ingress"]).includes("Ingress") &&
      selectorMatches(p.spec.podSelector, target),
  );
  if (selecting.length === 0) return true;
  const peerMatches = (peer: any): boolean => {
    const nsOk =
      peer.namespaceSelector === undefined
        ? source.namespace === namespace
        : selectorMatches(peer.namespaceSelector, { "kubernetes.io/metadata.name": source.namespace });
    const podOk = peer.podSelector === undefined || selectorMatches(peer.podSelector, source.labels);
    return nsOk && podOk;
  };
  return selecting.some((p) =>
    (p.spec.ingress ?? []).some(
      (rule: any) =>
        (rule.ports === undefined || rule.ports.some((r: any) => r.port === port)) &&
        (rule.from === undefined || rule.from.some(peerMatches)),
    ),
  );
}

const files = parseFiles(synthesize());

describe.each(ENVIRONMENT_NAMES.filter((e) => BROKER_BY_ENVIRONMENT[e] === "nats"))(
  "NATS ingress in %s",
  (env) => {
    const broker = brokerEndpoints("nats");
    const pipeline = ENVIRONMENTS[env].namespace;
    const policies = docsUnder(files, `dist-manifests/${env}-platform/`).filter(
      (d) => d.kind === "NetworkPolicy",
    );
    const sources: Source[] = [
      {
        name: "producer",
        namespace: pipeline,
        labels: { "app.kubernetes.io/name": "producer", "app.kubernetes.io/part-of": "event-pipeline" },
      },
      { name: "provisioning Job", namespace: pipeline, labels: PROVISIONING_POD_LABELS },
      { name: "other pod in the pipeline namespace", namespace: pipeline, labels: { app: "other" } },
      { name: "KEDA", namespace: KEDA_NAMESPACE, labels: { app: "keda-operator" } },
      { name: "Prometheus", namespace: MONITORING_NAMESPACE, labels: { app: "prometheus" } },
      { name: "broker pod", namespace: broker.namespace, labels: { ...broker.podLabels } },
      { name: "other pod in the broker namespace", namespace: broker.namespace, labels: { app: "other" } },
      {
        name: "pod elsewhere",
        namespace: "default",
        labels: { "app.kubernetes.io/part-of": "event-pipeline" },
      },
    ];
    const ports = {
      client: broker.clientPort,
      monitoring: broker.monitorPort,
      exporter: broker.exporterPort,
      routes: broker.routePort,
    };
    const reachers = (docs: readonly KubeDoc[]): Record<string, string[]> =>
      Object.fromEntries(
        Object.entries(ports).map(([name, port]) => [
          name,
          sources
            .filter((s) => mayConnect(docs, broker.namespace, { ...broker.podLabels }, s, port))
            .map((s) => s.name),
        ]),
      );

    it("lets each port be reached only by who needs it", () => {
      expect(reachers(policies)).toEqual({
        client: ["producer", "provisioning Job"],
        monitoring: ["producer", "provisioning Job", "KEDA"],
        exporter: ["Prometheus"],
        routes: ["broker pod"],
      });
    });

    it("negative control: without the policies every source reaches every port", () => {
      const all = sources.map((s) => s.name);
      expect(reachers([])).toEqual({ client: all, monitoring: all, exporter: all, routes: all });
    });
  },
);
