/**
 * The dashboards as files: `generateDashboards()` builds them in memory (deterministic), the
 * `npm run dashboards` script writes them to `dashboards/*.json`, and the tests compare the two.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { LOGS_UID, logsDashboard } from "./logs-dashboard.js";
import { resolveDashboardOptions, type DashboardOptions } from "./options.js";
import { OVERVIEW_UID, overviewDashboard } from "./overview.js";

export type { DashboardOptions } from "./options.js";

/** One generated dashboard. */
export interface GeneratedDashboard {
  /** File name inside `dashboards/`, e.g. `event-pipeline-overview.json`. */
  readonly fileName: string;
  readonly dashboard: Dashboard;
  /** The exact bytes of the committed file. */
  readonly json: string;
}

/** Give every panel (rows included) a stable id, in layout order. */
function numberPanels(dashboard: Dashboard): Dashboard {
  let id = 1;
  for (const panel of dashboard.panels ?? []) {
    panel.id = id++;
    if (panel.type === "row" && "panels" in panel) {
      for (const nested of panel.panels) nested.id = id++;
    }
  }
  return dashboard;
}

function file(dashboard: Dashboard): GeneratedDashboard {
  if (dashboard.uid === undefined) throw new Error(`dashboard "${dashboard.title}" has no uid`);
  const numbered = numberPanels(dashboard);
  return {
    fileName: `${dashboard.uid}.json`,
    dashboard: numbered,
    json: `${JSON.stringify(numbered, null, 2)}\n`,
  };
}

/** Build every dashboard. */
export function generateDashboards(options: DashboardOptions = {}): GeneratedDashboard[] {
  const resolved = resolveDashboardOptions(options);
  return [file(overviewDashboard(resolved, LOGS_UID)), file(logsDashboard(resolved, OVERVIEW_UID))];
}
