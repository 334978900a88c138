// The local dashboard page: draws the committed Grafana dashboards' panels with uPlot, each from
// its own PromQL (template variables resolved) through Prometheus's query_range API, every few
// seconds; lists the firing alerts and the scaler's events. Plain ES module, no build step.
import { flattenPanels, formatValue, legendOf, rateInterval, resolveVariables } from "./panels.js";

const WINDOW_SECONDS = 300;
const COLORS = ["#73bf69", "#f2cc0c", "#5794f2", "#ff9830", "#f2495c", "#b877d9", "#8ab8ff", "#ffcb7d"];

const getJson = async (url) => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
};

const settings = await getJson("/settings.json");
const dashboards = (await getJson("/dashboards.json")).sort(
  (a, b) => promPanels(b).length - promPanels(a).length,
);
document.getElementById("subtitle").textContent = `— ${settings.title}`;
const step = Math.max(1, Math.round(WINDOW_SECONDS / 300));
const fixedVariables = {
  __rate_interval: rateInterval(step, settings.scrapeIntervalSeconds),
  __interval: `${step}s`,
};

function promPanels(dashboard) {
  return flattenPanels(dashboard).filter((p) => p.datasource?.type === "prometheus" && p.type !== "row");
}

/** Values of the dashboard's variables: text boxes as committed, query variables from Prometheus. */
async function variablesOf(dashboard) {
  const values = { ...fixedVariables };
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type === "textbox")
      values[variable.name] = settings.variables[variable.name] ?? variable.current?.value ?? variable.query;
    if (variable.type === "query") {
      const match = /^label_values\(\s*([^,]+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(
        variable.query ?? "",
      );
      if (!match) continue;
      const found = await getJson(`/api/v1/label/${match[2]}/values?match[]=${encodeURIComponent(match[1])}`);
      const sorted = [...found.data].sort();
      if (sorted.length > 0) values[variable.name] = sorted[0];
    }
  }
  return values;
}

/** What a panel needs that only a cluster has, or undefined. */
function clusterOnly(panel) {
  if (panel.datasource?.type === "loki")
    return "Needs Loki: in a cluster, Promtail ships the pods' logs to Loki (monitoring namespace) and Grafana queries it with this LogQL.";
  return undefined;
}

function exporterNote(panel) {
  const exprs = (panel.targets ?? []).map((t) => t.expr ?? "");
  const prefixes = settings.exporterMetricPrefixes;
  if (exprs.length > 0 && exprs.every((e) => prefixes.some((p) => new RegExp(`\\b${p}`).test(e))))
    return "Needs the broker's exporter: in a cluster the broker chart's Prometheus exporter exports these series; a local broker has none.";
  return undefined;
}

class PanelView {
  constructor(panel, container) {
    this.panel = panel;
    this.el = document.createElement("div");
    this.el.className = "panel";
    this.el.style.gridColumn = `span ${panel.gridPos?.w ?? 12}`;
    this.el.dataset.title = panel.title;
    const h = document.createElement("h3");
    h.textContent = panel.title;
    h.title = panel.description ?? "";
    this.el.append(h);
    this.body = document.createElement("div");
    this.el.append(this.body);
    container.append(this.el);
    this.chart = undefined;
    this.key = "";
    const note = clusterOnly(panel);
    if (note !== undefined) this.note(note, "needs-cluster");
  }

  note(text, state) {
    this.chart?.destroy();
    this.chart = undefined;
    this.key = "";
    this.body.innerHTML = "";
    const div = document.createElement("div");
    div.className = state === "error" ? "note error" : "note";
    div.textContent = text;
    this.body.append(div);
    this.el.dataset.state = state;
    this.el.dataset.series = "0";
    this.el.dataset.points = "0";
  }

  async refresh(variables, end) {
    if (this.el.dataset.state === "needs-cluster") return;
    // The last minutes, from the run's start at the earliest: nothing is drawn before it.
    const start = Math.max(end - WINDOW_SECONDS, Math.floor(settings.startedAtMs / 1000 / step) * step);
    const xs = [];
    for (let t = start; t <= end; t += step) xs.push(t);
    const series = [];
    for (const target of this.panel.targets ?? []) {
      const expr = resolveVariables(target.expr, variables);
      const q = new URLSearchParams({
        query: expr,
        start: String(start),
        end: String(end),
        step: String(step),
      });
      const answer = await getJson(`/api/v1/query_range?${q}`);
      for (const result of answer.data.result) {
        const byTime = new Map(result.values.map(([t, v]) => [Math.round(t), Number(v)]));
        series.push({
          label: legendOf(target.legendFormat, result.metric),
          values: xs.map((t) => (byTime.has(t) && Number.isFinite(byTime.get(t)) ? byTime.get(t) : null)),
        });
      }
    }
    const points = series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
    if (series.length === 0) {
      this.note(
        exporterNote(this.panel) ?? "No data yet.",
        exporterNote(this.panel) ? "needs-cluster" : "empty",
      );
      return;
    }
    this.draw(xs, series);
    this.el.dataset.state = points > 0 ? "data" : "empty";
    this.el.dataset.series = String(series.length);
    this.el.dataset.points = String(points);
  }

  draw(xs, series) {
    const custom = this.panel.fieldConfig?.defaults?.custom ?? {};
    const unit = this.panel.fieldConfig?.defaults?.unit ?? "short";
    const stacked = custom.stacking?.mode === "normal";
    const bars = custom.drawStyle === "bars";
    let drawn = series.map((s) => s.values);
    if (stacked) {
      const sums = xs.map(() => 0);
      drawn = series.map((s) => s.values.map((v, i) => (v === null ? null : (sums[i] += v))));
    }
    const key = JSON.stringify(series.map((s) => s.label));
    const data = [xs, ...drawn];
    const width = Math.max(240, Math.floor(this.el.getBoundingClientRect().width) - 14);
    if (this.chart !== undefined && key === this.key) {
      // The layout may have changed (a scrollbar appeared): follow the panel's width.
      if (this.chart.width !== width) this.chart.setSize({ width, height: 200 });
      this.chart.setData(data);
      return;
    }
    this.chart?.destroy();
    this.body.innerHTML = "";
    this.key = key;
    const alpha = Math.round(((custom.fillOpacity ?? 10) / 100) * 255)
      .toString(16)
      .padStart(2, "0");
    this.chart = new uPlot(
      {
        width,
        height: 200,
        scales: {
          x: { time: true },
          y: { range: (u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
        },
        axes: [
          { stroke: "#8e8e9e", grid: { stroke: "#2c3235" } },
          {
            stroke: "#8e8e9e",
            grid: { stroke: "#2c3235" },
            size: 84,
            values: (u, ticks) => ticks.map((v) => formatValue(unit, v)),
          },
        ],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLORS[i % COLORS.length],
            fill: COLORS[i % COLORS.length] + alpha,
            width: 1.5,
            spanGaps: false,
            paths: bars ? uPlot.paths.bars({ size: [0.8, 20] }) : undefined,
            value: (u, v, si, di) =>
              formatValue(unit, di === null || di === undefined ? v : series[si - 1].values[di]),
          })),
        ],
        legend: { show: true, live: true },
      },
      data,
      this.body,
    );
  }
}

const container = document.getElementById("dashboards");
const views = [];
for (const dashboard of dashboards) {
  const section = document.createElement("div");
  section.className = "dashboard";
  section.dataset.uid = dashboard.uid;
  const h = document.createElement("h2");
  h.textContent = dashboard.title;
  section.append(h);
  const grid = document.createElement("div");
  grid.className = "grid";
  section.append(grid);
  container.append(section);
  const dashboardViews = [];
  for (const panel of flattenPanels(dashboard)) {
    if (panel.type === "row") {
      const row = document.createElement("div");
      row.className = "row";
      row.textContent = panel.title;
      grid.append(row);
      continue;
    }
    dashboardViews.push(new PanelView(panel, grid));
  }
  views.push({ dashboard, views: dashboardViews });
}

async function refreshAlerts() {
  const answer = await getJson("/api/v1/alerts");
  const list = document.getElementById("alerts");
  list.innerHTML = "";
  const alerts = answer.data.alerts.filter((a) => a.state === "firing" || a.state === "pending");
  if (alerts.length === 0) list.innerHTML = '<li class="none">none</li>';
  for (const alert of alerts) {
    const li = document.createElement("li");
    li.dataset.alert = alert.labels.alertname;
    li.dataset.state = alert.state;
    li.textContent = `${alert.labels.alertname} (${alert.labels.severity ?? ""}, ${alert.state} since ${new Date(alert.activeAt).toLocaleTimeString()})`;
    li.title = alert.annotations?.description ?? "";
    list.append(li);
  }
}

async function refreshEvents() {
  const events = await getJson("/events.json");
  const list = document.getElementById("events");
  list.innerHTML = "";
  for (const event of events.slice(-40).reverse()) {
    const li = document.createElement("li");
    li.textContent = `${new Date(event.at).toLocaleTimeString()}  ${event.text}`;
    list.append(li);
  }
}

let refreshing = false;
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  const status = document.getElementById("status");
  try {
    const end = Math.floor(Date.now() / 1000 / step) * step;
    for (const { dashboard, views: dashboardViews } of views) {
      const variables = await variablesOf(dashboard);
      await Promise.all(dashboardViews.map((v) => v.refresh(variables, end)));
    }
    await Promise.all([refreshAlerts(), refreshEvents()]);
    status.textContent = `updated ${new Date().toLocaleTimeString()}, every ${settings.refreshSeconds} s, last ${WINDOW_SECONDS / 60} min`;
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed ?? 0) + 1);
  } catch (error) {
    // The run has stopped, or Prometheus is not answering yet: say so, try again next time.
    status.textContent = `not updated: ${error.message}`;
  } finally {
    refreshing = false;
  }
}

await refresh();
setInterval(refresh, settings.refreshSeconds * 1000);
