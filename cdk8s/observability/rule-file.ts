import { stringify } from "yaml";
import type { RuleGroup } from "./rule-types.js";

/** Render rule groups as a Prometheus rule file (`groups:` YAML), as `promtool check rules` reads it. */
export function renderPrometheusRuleFile(groups: readonly RuleGroup[]): string {
  return stringify({ groups }, { lineWidth: 0 });
}
