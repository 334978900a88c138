/**
 * Names of the platform's releases as their pinned charts create them, in one place: the
 * Applications, the sealed platform Secrets, the deploy documentation and its check read them here.
 */

/** Namespace of kube-prometheus-stack, Loki and Alloy. */
export const MONITORING_NAMESPACE = "monitoring";
/** Namespace of the KEDA release. */
export const KEDA_NAMESPACE = "keda";
/** The Sealed Secrets controller: namespace and Service/Deployment name (`fullnameOverride`). */
export const SEALED_SECRETS_CONTROLLER = {
  namespace: "kube-system",
  // kubeseal's default --controller-name (sealed-secrets@2.17.0.json notes: cmd/kubeseal/main.go).
  name: "sealed-secrets-controller",
} as const;
/** Loki chart 6.24.0 gateway Service for release "loki" (loki@6.24.0.json services). */
export const LOKI_GATEWAY_URL = `http://loki-gateway.${MONITORING_NAMESPACE}.svc.cluster.local`;
