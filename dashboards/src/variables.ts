/**
 * Template variables shared by the dashboards. Datasources are variables (picked by type), never
 * hard-coded uids, so the same JSON works in every Grafana.
 */
import type { DataSourceRef } from "@grafana/grafana-foundation-sdk/common";
import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";

/** Name of the Prometheus datasource variable. */
export const PROMETHEUS_VARIABLE = "datasource";
/** Name of the Loki datasource variable. */
export const LOKI_VARIABLE = "loki";

/** Reference to the Prometheus datasource picked in the dashboard. */
export const PROMETHEUS: DataSourceRef = { type: "prometheus", uid: `\${${PROMETHEUS_VARIABLE}}` };
/** Reference to the Loki datasource picked in the dashboard. */
export const LOKI: DataSourceRef = { type: "loki", uid: `\${${LOKI_VARIABLE}}` };

/** Metric whose `namespace` label lists the namespaces the pipeline runs in (both apps export it). */
export const NAMESPACE_SOURCE_METRIC = "broker_queue_depth_messages";

export function prometheusDatasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(PROMETHEUS_VARIABLE).label("Prometheus").type("prometheus");
}

export function lokiDatasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(LOKI_VARIABLE).label("Loki").type("loki");
}

/** `$namespace`: namespaces where the apps report metrics. */
export function namespaceVariable(): QueryVariableBuilder {
  const query = `label_values(${NAMESPACE_SOURCE_METRIC}, namespace)`;
  return new QueryVariableBuilder("namespace")
    .label("Namespace")
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/** An editable text-box variable with a default value. */
export function textVariable(
  name: string,
  label: string,
  value: string,
  description: string,
): TextBoxVariableBuilder {
  return new TextBoxVariableBuilder(name)
    .label(label)
    .description(description)
    .defaultValue(value)
    .current({ text: value, value });
}
