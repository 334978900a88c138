/**
 * Ingress of the broker's namespace: nothing reaches its pods except
 *   - the client port, from the pipeline's pods (apps and the provisioning Job);
 *   - the monitoring port (/jsz, unauthenticated by design in nats-server), from KEDA's namespace
 *     (the nats-jetstream scaler) and the pipeline's pods (their queue-depth gauge);
 *   - the exporter port, from the monitoring namespace (Prometheus);
 *   - the route port, from the broker's own pods.
 * Egress stays open: the nodes dial each other's routes and resolve names. Only enforced by a CNI
 * that implements NetworkPolicy (docs/security.md); the kubelet's probes come from the node, which
 * those CNIs let through.
 */
import * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import type { BrokerEndpoints } from "./broker-endpoints.js";
import { PART_OF } from "./labels.js";

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface BrokerNetworkPoliciesProps {
  readonly broker: BrokerEndpoints;
  /** Namespace of the pipeline (its pods carry `app.kubernetes.io/part-of`). */
  readonly pipelineNamespace: string;
  /** Namespace of KEDA. */
  readonly kedaNamespace: string;
  /** Namespace of Prometheus. */
  readonly monitoringNamespace: string;
}

export class BrokerNetworkPolicies extends Construct {
  readonly policies: kplus.k8s.KubeNetworkPolicy[] = [];

  constructor(scope: Construct, id: string, props: BrokerNetworkPoliciesProps) {
    super(scope, id);
    const { broker } = props;
    const brokerPods = { matchLabels: { ...broker.podLabels } };
    const namespace = (name: string): kplus.k8s.NetworkPolicyPeer => ({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
    });
    const pipelinePods: kplus.k8s.NetworkPolicyPeer = {
      ...namespace(props.pipelineNamespace),
      podSelector: { matchLabels: { "app.kubernetes.io/part-of": PART_OF } },
    };
    const tcp = (port: number): kplus.k8s.NetworkPolicyPort => ({
      protocol: "TCP",
      port: kplus.k8s.IntOrString.fromNumber(port),
    });
    const add = (name: string, spec: kplus.k8s.NetworkPolicySpec): void => {
      this.policies.push(
        new kplus.k8s.KubeNetworkPolicy(this, name, {
          metadata: { name, namespace: broker.namespace, labels: { "app.kubernetes.io/part-of": PART_OF } },
          spec,
        }),
      );
    };

    add("default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] });
    add("allow-broker-clients", {
      podSelector: brokerPods,
      policyTypes: ["Ingress"],
      ingress: [{ from: [pipelinePods], ports: [tcp(broker.clientPort)] }],
    });
    add("allow-broker-monitoring", {
      podSelector: brokerPods,
      policyTypes: ["Ingress"],
      ingress: [
        { from: [namespace(props.kedaNamespace), pipelinePods], ports: [tcp(broker.monitorPort)] },
        { from: [namespace(props.monitoringNamespace)], ports: [tcp(broker.exporterPort)] },
      ],
    });
    add("allow-broker-routes", {
      podSelector: brokerPods,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: brokerPods }], ports: [tcp(broker.routePort)] }],
    });
  }
}
