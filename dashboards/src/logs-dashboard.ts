/** "Event pipeline logs": producer and consumer logs from Loki, with log volume and errors. */
import {
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  RowBuilder,
} from "@grafana/grafana-foundation-sdk/dashboard";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import type { ResolvedDashboardOptions } from "./options.js";
import { logs, logVolume } from "./panels.js";
import {
  lokiDatasourceVariable,
  namespaceVariable,
  PROMETHEUS_VARIABLE,
  prometheusDatasourceVariable,
  textVariable,
} from "./variables.js";

export const LOGS_UID = "event-pipeline-logs";

/** pino writes `"level":50` (error) / `60` (fatal), or the level name when labels are formatted. */
const ERROR_LINES = `|~ "\\"level\\":(50|60|\\"error\\"|\\"fatal\\")"`;

export function logsDashboard(options: ResolvedDashboardOptions, overviewUid: string): Dashboard {
  const { producerApp, consumerApp } = options.targets;
  const app = options.lokiAppLabel;
  const stream = (name: string): string => `{namespace="$namespace", ${app}="${name}"}`;
  const bothApps = `{namespace="$namespace", ${app}=~"${producerApp}|${consumerApp}"}`;
  const builder = new DashboardBuilder("Event pipeline logs")
    .uid(LOGS_UID)
    .description("Producer and consumer logs (Loki), log volume and error lines.")
    .tags(["event-pipeline", "logs"])
    .timezone("browser")
    .time({ from: "now-1h", to: "now" })
    .refresh(options.refresh)
    .readonly()
    .withVariable(prometheusDatasourceVariable())
    .withVariable(lokiDatasourceVariable())
    .withVariable(namespaceVariable())
    .withVariable(textVariable("search", "Search", "", "Only lines containing this text (empty: all lines)."))
    .link(
      new DashboardLinkBuilder("Overview")
        .type(DashboardLinkType.Link)
        .url(
          `/d/${overviewUid}?\${__url_time_range}&\${namespace:queryparam}&\${${PROMETHEUS_VARIABLE}:queryparam}`,
        )
        .icon("dashboard")
        .tooltip("Event pipeline metrics")
        .targetBlank(false),
    );

  builder.withRow(new RowBuilder("Volume"));
  builder.withPanel(
    logVolume({
      title: "Log lines by app",
      description: "Log lines per interval, per app.",
      expr: `sum by (${app}) (count_over_time(${bothApps} [$__auto]))`,
      legend: `{{${app}}}`,
    }),
  );
  builder.withPanel(
    logVolume({
      title: "Error lines by app",
      description: "Lines logged at level error or fatal, per app.",
      expr: `sum by (${app}) (count_over_time(${bothApps} ${ERROR_LINES} [$__auto]))`,
      legend: `{{${app}}}`,
    }),
  );

  builder.withRow(new RowBuilder("Logs"));
  builder.withPanel(
    logs({
      title: "Producer logs",
      description: "Producer log lines (JSON, pino); filter with the Search variable.",
      expr: `${stream(producerApp)} |= "$search"`,
    }),
  );
  builder.withPanel(
    logs({
      title: "Consumer logs",
      description: "Consumer log lines from every replica (JSON, pino); filter with the Search variable.",
      expr: `${stream(consumerApp)} |= "$search"`,
    }),
  );
  builder.withPanel(
    logs({
      title: "Errors (both apps)",
      description: "Error and fatal lines of both apps.",
      expr: `${bothApps} ${ERROR_LINES}`,
    }),
  );
  return builder.build();
}
