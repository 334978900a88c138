import { Construct } from "constructs";
import {
  PrometheusRule,
  PrometheusRuleSpecGroupsRulesExpr,
  type PrometheusRuleSpecGroups,
} from "../imports/prometheus-operator-monitoring.coreos.com.js";
import { renderPrometheusRuleFile } from "./rule-file.js";
import { eventPipelineRuleGroups } from "./rule-groups.js";
import type { AlertRuleOptions } from "./rule-options.js";
import type { RuleGroup } from "./rule-types.js";

/** Props of `AlertRules`. */
export interface AlertRulesProps extends AlertRuleOptions {
  /**
   * Name of the PrometheusRule object (created in `namespace`).
   * @default "event-pipeline-alerts"
   */
  readonly name?: string;
  /**
   * Labels of the PrometheusRule. kube-prometheus-stack's Prometheus only loads rules whose labels
   * match its `ruleSelector`, by default `release: <helm release name>`.
   * @default { release: "kube-prometheus-stack" }
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The pipeline's alerts as a prometheus-operator PrometheusRule: backlog growing, consumers at max
 * replicas with a growing backlog, KEDA scaler metric or queue depth missing, dead letters,
 * publish failures. `groups` holds the same rules as plain Prometheus rule groups.
 */
export class AlertRules extends Construct {
  /** The rule groups, as a Prometheus rule file has them. */
  readonly groups: readonly RuleGroup[];
  readonly prometheusRule: PrometheusRule;

  constructor(scope: Construct, id: string, props: AlertRulesProps) {
    super(scope, id);
    const name = props.name ?? "event-pipeline-alerts";
    const labels = props.labels ?? { release: "kube-prometheus-stack" };
    this.groups = eventPipelineRuleGroups(props);
    this.prometheusRule = new PrometheusRule(this, "Resource", {
      metadata: {
        name,
        namespace: props.namespace,
        labels: { "app.kubernetes.io/part-of": "event-pipeline", ...labels },
      },
      spec: { groups: this.groups.map(toSpecGroup) },
    });
  }

  /** The rules as a Prometheus rule file (YAML), for `promtool check rules` / `promtool test rules`. */
  toPrometheusRuleFile(): string {
    return renderPrometheusRuleFile(this.groups);
  }
}

function toSpecGroup(group: RuleGroup): PrometheusRuleSpecGroups {
  return {
    name: group.name,
    interval: group.interval,
    rules: group.rules.map((rule) => ({
      alert: rule.alert,
      expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr),
      for: rule.for,
      labels: rule.labels === undefined ? undefined : { ...rule.labels },
      annotations: rule.annotations === undefined ? undefined : { ...rule.annotations },
    })),
  };
}
