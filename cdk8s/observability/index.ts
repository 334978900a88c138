export { AlertRules, type AlertRulesProps } from "./alert-rules.js";
export {
  DashboardsConfigMap,
  DEFAULT_DASHBOARDS_DIR,
  type DashboardsConfigMapProps,
} from "./dashboards-configmap.js";
export { renderPrometheusRuleFile } from "./rule-file.js";
export { eventPipelineRuleGroups } from "./rule-groups.js";
export type { AlertRuleOptions } from "./rule-options.js";
export type { AlertingRule, RuleGroup } from "./rule-types.js";
export { resolvePipelineTargets, type PipelineTargets } from "./targets.js";
