/**
 * Prometheus rule file types (the format `promtool check rules` reads, and the `spec.groups` of a
 * prometheus-operator PrometheusRule, which uses the same field names).
 */

/** One alerting rule. */
export interface AlertingRule {
  /** Alert name (CamelCase by convention). */
  readonly alert: string;
  /** PromQL expression; every series it returns is an alert instance. */
  readonly expr: string;
  /** How long the expression must keep returning a series before the alert fires (e.g. `15m`). */
  readonly for?: string;
  /** Labels added to the alert (e.g. `severity`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** `summary` and `description`, Go templates over `$labels` and `$value`. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A group of rules evaluated together. */
export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval; the Prometheus global one when absent. */
  readonly interval?: string;
  readonly rules: readonly AlertingRule[];
}
