/**
 * Grafana Alloy configuration that ships every pod's logs to Loki with the stream labels Promtail's
 * chart gave them, so the logs dashboard's `{namespace, app}` selectors keep working. Promtail is
 * end of life since 2026-03-02 (schemas/charts/FACTS.md). The labels follow promtail chart 6.16.6
 * `config.snippets` (grafana/helm-charts@06e913144b7abbb494d9750dbbd16abde72717f6
 * charts/promtail/values.yaml, job "kubernetes-pods"): app, instance, component, namespace, pod,
 * container, node_name and job = namespace/app.
 *
 * Logs are read through the Kubernetes API (`loki.source.kubernetes`, grafana/alloy docs
 * reference/components/loki/loki.source.kubernetes), so Alloy runs as one Deployment without host
 * mounts; one replica, because every replica would tail every pod.
 */

/** One Promtail-compatible relabel rule. */
interface Rule {
  readonly sourceLabels: readonly string[];
  readonly targetLabel: string;
  readonly regex?: string;
  readonly separator?: string;
}

/** First non-empty value among the sources (Promtail's `^;*([^;]+)(;.*)?$`). */
const FIRST_NON_EMPTY = "^;*([^;]+)(;.*)?$";

export const PROMTAIL_COMPATIBLE_RULES: readonly Rule[] = [
  {
    sourceLabels: ["__meta_kubernetes_pod_controller_name"],
    regex: "([0-9a-z-.]+?)(-[0-9a-f]{8,10})?",
    targetLabel: "__tmp_controller_name",
  },
  {
    sourceLabels: [
      "__meta_kubernetes_pod_label_app_kubernetes_io_name",
      "__meta_kubernetes_pod_label_app",
      "__tmp_controller_name",
      "__meta_kubernetes_pod_name",
    ],
    regex: FIRST_NON_EMPTY,
    targetLabel: "app",
  },
  {
    sourceLabels: ["__meta_kubernetes_pod_label_app_kubernetes_io_instance", "__meta_kubernetes_pod_label_instance"],
    regex: FIRST_NON_EMPTY,
    targetLabel: "instance",
  },
  {
    sourceLabels: [
      "__meta_kubernetes_pod_label_app_kubernetes_io_component",
      "__meta_kubernetes_pod_label_component",
    ],
    regex: FIRST_NON_EMPTY,
    targetLabel: "component",
  },
  { sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node_name" },
  { sourceLabels: ["__meta_kubernetes_namespace"], targetLabel: "namespace" },
  { sourceLabels: ["namespace", "app"], separator: "/", targetLabel: "job" },
  { sourceLabels: ["__meta_kubernetes_pod_name"], targetLabel: "pod" },
  { sourceLabels: ["__meta_kubernetes_pod_container_name"], targetLabel: "container" },
];

/** The Loki stream labels the rules produce (what the logs dashboard may select on). */
export const LOKI_STREAM_LABELS = PROMTAIL_COMPATIBLE_RULES.map((r) => r.targetLabel).filter(
  (l) => !l.startsWith("__"),
);

const quote = (s: string): string => JSON.stringify(s);

function rule(r: Rule): string {
  const lines = [
    `    source_labels = [${r.sourceLabels.map(quote).join(", ")}]`,
    ...(r.separator === undefined ? [] : [`    separator     = ${quote(r.separator)}`]),
    ...(r.regex === undefined ? [] : [`    regex         = ${quote(r.regex)}`]),
    `    target_label  = ${quote(r.targetLabel)}`,
  ];
  return `  rule {\n${lines.join("\n")}\n  }`;
}

/** The `config.alloy` content: discover pods, relabel as Promtail did, tail through the API, push to Loki. */
export function alloyLogsConfig(lokiPushUrl: string): string {
  return [
    'discovery.kubernetes "pods" {\n  role = "pod"\n}',
    `discovery.relabel "pods" {\n  targets = discovery.kubernetes.pods.targets\n${PROMTAIL_COMPATIBLE_RULES.map(rule).join("\n")}\n}`,
    'loki.source.kubernetes "pods" {\n  targets    = discovery.relabel.pods.output\n  forward_to = [loki.write.default.receiver]\n}',
    `loki.write "default" {\n  endpoint {\n    url = ${quote(lokiPushUrl)}\n  }\n}`,
  ].join("\n\n").concat("\n");
}
