/**
 * Default-deny for the pipeline namespace plus the flows the pipeline needs:
 * DNS, pipeline pods -> broker client and monitoring ports, Prometheus -> apps' "http" port.
 * KEDA's reads of the broker monitoring port are egress from the `keda` namespace and ingress to
 * the broker's namespace: neither is governed here.
 */
import * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import { HTTP_PORT_NAME } from "./app-environment.js";
import { SYNC_WAVE, syncWave } from "./argo-annotations.js";
import type { BrokerEndpoints } from "./broker-endpoints.js";
import type { AppName } from "./labels.js";
import { PART_OF } from "./labels.js";

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface PipelineNetworkPoliciesProps {
  readonly broker: BrokerEndpoints;
  /** Apps whose "http" port Prometheus scrapes. */
  readonly scrapedApps: readonly AppName[];
  /** Namespace of Prometheus. @default "monitoring" */
  readonly monitoringNamespace?: string;
  /** Namespace and pod labels of the cluster DNS. @default kube-system, k8s-app=kube-dns */
  readonly dns?: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}

export const NETWORK_POLICY_DEFAULTS = {
  monitoringNamespace: "monitoring",
  dns: { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } },
} as const;

export class PipelineNetworkPolicies extends Construct {
  readonly policies: kplus.k8s.KubeNetworkPolicy[] = [];

  constructor(scope: Construct, id: string, props: PipelineNetworkPoliciesProps) {
    super(scope, id);
    if (props.scrapedApps.length === 0)
      throw new Error("PipelineNetworkPolicies: scrapedApps must not be empty");
    const monitoring = props.monitoringNamespace ?? NETWORK_POLICY_DEFAULTS.monitoringNamespace;
    const dns = props.dns ?? NETWORK_POLICY_DEFAULTS.dns;
    const pipelinePods = { matchLabels: { "app.kubernetes.io/part-of": PART_OF } };
    const tcp = (port: number | string): kplus.k8s.NetworkPolicyPort => ({
      protocol: "TCP",
      port:
        typeof port === "number"
          ? kplus.k8s.IntOrString.fromNumber(port)
          : kplus.k8s.IntOrString.fromString(port),
    });
    const add = (name: string, spec: kplus.k8s.NetworkPolicySpec): void => {
      this.policies.push(
        new kplus.k8s.KubeNetworkPolicy(this, name, {
          metadata: {
            name,
            labels: { "app.kubernetes.io/part-of": PART_OF },
            annotations: syncWave(SYNC_WAVE.config),
          },
          spec,
        }),
      );
    };

    add("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    add("allow-dns-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: dns.namespace } },
              podSelector: { matchLabels: { ...dns.podLabels } },
            },
          ],
          ports: [
            { protocol: "UDP", port: kplus.k8s.IntOrString.fromNumber(53) },
            { protocol: "TCP", port: kplus.k8s.IntOrString.fromNumber(53) },
          ],
        },
      ],
    });
    add("allow-broker-egress", {
      podSelector: pipelinePods,
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: props.broker.namespace } },
              podSelector: { matchLabels: { ...props.broker.podLabels } },
            },
          ],
          ports: [tcp(props.broker.clientPort), tcp(props.broker.monitorPort)],
        },
      ],
    });
    add("allow-metrics-ingress", {
      podSelector: {
        matchLabels: { "app.kubernetes.io/part-of": PART_OF },
        matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: [...props.scrapedApps] }],
      },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: monitoring } } }],
          ports: [tcp(HTTP_PORT_NAME)],
        },
      ],
    });
  }
}
