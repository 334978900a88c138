/** Every PromQL / LogQL expression in the generated dashboards and the alert rules, with where it is. */
import { eventPipelineRuleGroups } from "../../cdk8s/observability/rule-groups.js";
import { generateDashboards } from "../../dashboards/src/index.js";

export interface FoundQuery {
  /** e.g. `event-pipeline-overview.json: panel "Queue depth (apps)" A`. */
  readonly where: string;
  readonly language: "promql" | "logql";
  readonly expr: string;
}

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string };
}
interface PanelLike {
  title?: string;
  type?: string;
  datasource?: { type?: string };
  targets?: Target[];
  panels?: PanelLike[];
}

function languageOf(type: string | undefined, where: string): "promql" | "logql" {
  if (type === "prometheus") return "promql";
  if (type === "loki") return "logql";
  throw new Error(`${where}: unexpected datasource type ${JSON.stringify(type)}`);
}

/** Queries of the dashboards as generated now. */
export function dashboardQueries(): FoundQuery[] {
  const found: FoundQuery[] = [];
  for (const { fileName, dashboard } of generateDashboards()) {
    const visit = (panel: PanelLike): void => {
      for (const target of panel.targets ?? []) {
        const where = `${fileName}: panel "${panel.title}" ${target.refId}`;
        if (typeof target.expr !== "string") throw new Error(`${where}: no expr`);
        found.push({
          where,
          language: languageOf(target.datasource?.type ?? panel.datasource?.type, where),
          expr: target.expr,
        });
      }
      for (const nested of panel.panels ?? []) visit(nested);
    };
    for (const panel of (dashboard.panels ?? []) as PanelLike[]) visit(panel);
    for (const variable of dashboard.templating.list ?? []) {
      if (variable.type !== "query") continue;
      const where = `${fileName}: variable $${variable.name}`;
      if (typeof variable.query !== "string") throw new Error(`${where}: query is not a string`);
      found.push({ where, language: languageOf(variable.datasource?.type, where), expr: variable.query });
    }
  }
  return found;
}

/** Expressions of the alert rules (rendered for a sample namespace). */
export function ruleQueries(): FoundQuery[] {
  return eventPipelineRuleGroups({ namespace: "event-pipeline" }).flatMap((group) =>
    group.rules.map((rule) => ({
      where: `rule ${group.name}/${rule.alert}`,
      language: "promql" as const,
      expr: rule.expr,
    })),
  );
}
