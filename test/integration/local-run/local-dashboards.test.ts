/// <reference lib="dom" />
/**
 * `npm run local` with its Prometheus and dashboard page, end to end: a real run (nats-server,
 * producer, scaled consumer processes, Prometheus) under a load that overloads the dev
 * ScaledObject's maxReplicaCount for a while and then stops.
 * - During the burst every PromQL expression of the dashboards returns at least one series with
 *   data, except the asserted list below (each with its reason): a new empty panel fails.
 * - The backlog alert of the synthesized PrometheusRule fires during the overload and clears
 *   once the load has dropped.
 * - Headless Chromium loads the page: the plots hold data (the DOM's per-panel counts and the
 *   canvases' pixels), Loki panels say what they need, the firing alert is listed, and the
 *   console shows no error. With UPDATE_SCREENSHOT=1 it writes docs/local-dashboard.png while the
 *   alert fires.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../tooling/repo-root.js";
import { CHROMIUM, ensureDebianTool } from "../../../testkit/debian-tools.js";
import { dashboardQueries } from "../../observability/collect-queries.js";
import { readClusterIdentity } from "../../../local/observability/cluster-identity.js";
import { generateDashboards } from "../../../dashboards/src/index.js";

/** Controller speed of the run: rule durations shrink with it (15 m `for` → 30 s). */
const SPEED = 30;
/**
 * 130 msg/s for 50 s: the dev consumer handles 4 × 1000 / 200 = 20 msg/s per replica, 60 msg/s
 * at maxReplicaCount 3, so the backlog grows by ~70 msg/s; then nothing, and it drains.
 */
const PROFILE = "steps:0@2s,130@50s,0@60m";
const DURATION_SECONDS = 150;

/** PromQL expressions allowed to stay empty on one machine, and why. */
const EXPECTED_EMPTY: Record<string, string> = {
  'event-pipeline-overview.json: panel "Queue depth (broker exporter)" A':
    "the broker chart's exporter exists only in a cluster",
  'event-pipeline-overview.json: panel "Queue depth (broker exporter)" B':
    "the broker chart's exporter exists only in a cluster",
  'event-pipeline-overview.json: panel "Queue depth (broker exporter)" C':
    "the broker chart's exporter exists only in a cluster",
  'event-pipeline-overview.json: panel "Queue depth (broker exporter)" D':
    "the broker chart's exporter exists only in a cluster",
  'event-pipeline-overview.json: panel "Queue depth (broker exporter)" E':
    "the broker chart's exporter exists only in a cluster",
  'event-pipeline-overview.json: panel "Queue depth (broker exporter)" F':
    "the broker chart's exporter exists only in a cluster",
  'event-pipeline-overview.json: panel "Publish failures" A':
    "no publish fails in a healthy run: producer_publish_failures_total has no series until one does",
};
const BACKLOG_ALERT = "EventPipelineBacklogGrowing";
/** Offline Chromium: nothing but the page's own loopback requests. */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

interface Alert {
  labels: Record<string, string>;
  state: string;
}

let run: ChildProcess;
let runStartedAt = 0;
let output = "";
let prometheusUrl: string;
let pageUrl: string;
let browser: BrowserContext | undefined;
let page: Page;
let userDataDir: string;
const consoleErrors: string[] = [];

async function api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${prometheusUrl}${path}?${new URLSearchParams(params)}`);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new Error(`${path}: ${body.error}`);
  return body.data;
}

/** Resolve `pred` once it holds, polling Prometheus (samples arrive every scrape, not as events). */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (run.exitCode !== null)
      throw new Error(`the local run exited (${run.exitCode}) before ${what}:\n${output.slice(-3000)}`);
    if (performance.now() > deadline)
      throw new Error(`timed out waiting for ${what}:\n${output.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function alerts(): Promise<Alert[]> {
  return (await api<{ alerts: Alert[] }>("/api/v1/alerts")).alerts;
}

/** The dashboards' variables as the page resolves them: text boxes as committed, namespace from the manifests. */
function resolve(expr: string): string {
  const values: Record<string, string> = {
    namespace: readClusterIdentity("dev").namespace,
    // Grafana's $__rate_interval: max($__interval + scrape interval, 4 × scrape interval), 1 s scrapes.
    __rate_interval: "4s",
  };
  for (const { dashboard } of generateDashboards())
    for (const variable of dashboard.templating.list ?? [])
      if (variable.type === "textbox" && typeof variable.query === "string")
        values[variable.name] = variable.query;
  const names = Object.keys(values).sort((a, b) => b.length - a.length);
  return names.reduce((e, name) => e.split(`$${name}`).join(values[name]!), expr);
}

beforeAll(async () => {
  runStartedAt = performance.now();
  run = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(REPO_ROOT, "local", "main.ts"),
      // The apps in dist/ (npm test builds first): a build here would replace dist/ under the
      // other test files' running apps.
      "--skip-build",
      "--speed",
      String(SPEED),
      "--profile",
      PROFILE,
      "--duration",
      String(DURATION_SECONDS),
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } },
  );
  run.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  run.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const urls = await until(
    "the printed URLs",
    async () => {
      const prometheus = /prometheus: pid \d+ at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const dashboards = /dashboards: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      return prometheus !== undefined && dashboards !== undefined ? { prometheus, dashboards } : undefined;
    },
    90_000,
  );
  prometheusUrl = urls.prometheus;
  pageUrl = urls.dashboards;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  if (run.exitCode === null) {
    const exited = once(run, "exit");
    run.kill("SIGINT");
    await exited;
  }
}, 90_000);

describe("npm run local: Prometheus, alert rules and the dashboard page", () => {
  it("during the burst every PromQL panel returns data, except the asserted list", async () => {
    const queries = dashboardQueries().filter((q) => q.language === "promql" && q.where.includes(": panel "));
    // The exception list names real panels (a renamed panel must not leave a stale excuse).
    for (const where of Object.keys(EXPECTED_EMPTY)) expect(queries.map((q) => q.where)).toContain(where);
    await until(
      "the consumers to scale up",
      async () => {
        const r = await api<{ result: { value: [number, string] }[] }>("/api/v1/query", {
          query: 'max(kube_deployment_spec_replicas{deployment="consumer"})',
        });
        return Number(r.result[0]?.value[1] ?? 0) >= 2 ? true : undefined;
      },
      60_000,
    );
    let missingNow: string[] = [];
    const empty = await until(
      "every panel but the listed ones to hold data (still empty: see the message below)",
      async () => {
        const end = Date.now() / 1000;
        const missing: string[] = [];
        for (const q of queries) {
          const r = await api<{ result: { values: [number, string][] }[] }>("/api/v1/query_range", {
            query: resolve(q.expr),
            start: String(end - 60),
            end: String(end),
            step: "1",
          });
          if (!r.result.some((s) => s.values.some(([, v]) => Number.isFinite(Number(v)))))
            missing.push(q.where);
        }
        missingNow = missing;
        return missing.every((w) => w in EXPECTED_EMPTY) ? missing : undefined;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message.split("\n")[0]}: ${missingNow.filter((w) => !(w in EXPECTED_EMPTY)).join("; ")}`,
      );
    });
    expect(empty.sort()).toEqual(Object.keys(EXPECTED_EMPTY).sort());
  }, 150_000);

  it("the page draws the panels from Prometheus with no console error", async () => {
    userDataDir = await mkdtemp(join(tmpdir(), "chromium-"));
    // A fresh profile: Playwright passes it as --user-data-dir.
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: ensureDebianTool(CHROMIUM),
      args: CHROMIUM_FLAGS,
      viewport: { width: 1600, height: 1500 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    await page.goto(pageUrl);
    // Panels with at least one query expected to hold data.
    const panelQueries = dashboardQueries().filter(
      (q) => q.language === "promql" && q.where.includes(": panel "),
    );
    const titleOf = (where: string) => /panel "(.*)" [A-Z]$/.exec(where)![1]!;
    const withData = [
      ...new Set(panelQueries.filter((q) => !(q.where in EXPECTED_EMPTY)).map((q) => titleOf(q.where))),
    ];
    await page.waitForFunction(
      (titles) =>
        titles.every(
          (t) => document.querySelector(`.panel[data-title="${t}"]`)?.getAttribute("data-state") === "data",
        ),
      withData,
      { timeout: 60_000, polling: 500 },
    );
    // Pixels: every panel with data has its series drawn on the canvas (a colour that is not the background).
    const drawn = await page.evaluate((titles) => {
      const counts: Record<string, number> = {};
      for (const title of titles) {
        const canvas = document.querySelector<HTMLCanvasElement>(`.panel[data-title="${title}"] canvas`);
        const ctx = canvas?.getContext("2d");
        if (!canvas || !ctx) {
          counts[title] = -1;
          continue;
        }
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let coloured = 0;
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
          // Grid and axes are grey (r≈g≈b); series colours are saturated.
          if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
        }
        counts[title] = coloured;
      }
      return counts;
    }, withData);
    for (const title of withData) expect(drawn[title], `pixels of "${title}"`).toBeGreaterThan(50);
    const states = await page.$$eval(".panel", (els) =>
      els.map((e) => [e.getAttribute("data-title"), e.getAttribute("data-state")]),
    );
    const logsPanels = generateDashboards()
      .flatMap(({ dashboard }) => dashboard.panels ?? [])
      .filter((p) => "datasource" in p && (p.datasource as { type?: string } | undefined)?.type === "loki")
      .map((p) => p.title);
    expect(logsPanels.length).toBeGreaterThan(0);
    for (const title of logsPanels) expect(states).toContainEqual([title, "needs-cluster"]);
    expect(states).toContainEqual(["Queue depth (broker exporter)", "needs-cluster"]);
    expect(consoleErrors).toEqual([]);
  }, 120_000);

  it("overloading maxReplicaCount fires the backlog alert, shown on the page, and it clears after the load drops", async () => {
    await until(
      `${BACKLOG_ALERT} firing`,
      async () =>
        (await alerts()).some((a) => a.labels.alertname === BACKLOG_ALERT && a.state === "firing")
          ? true
          : undefined,
      90_000,
    );
    await page.waitForSelector(`#alerts li[data-alert="${BACKLOG_ALERT}"][data-state="firing"]`, {
      timeout: 10_000,
    });
    const firedAt = (performance.now() - runStartedAt) / 1000;
    // The scale-up 0 -> maxReplicaCount in the charts, the backlog still growing, the alert firing.
    if (process.env.UPDATE_SCREENSHOT === "1")
      await page.screenshot({ path: join(REPO_ROOT, "docs", "local-dashboard.png"), fullPage: true });
    await until(
      `${BACKLOG_ALERT} to clear`,
      async () => ((await alerts()).some((a) => a.labels.alertname === BACKLOG_ALERT) ? undefined : true),
      90_000,
    );
    const clearedAt = (performance.now() - runStartedAt) / 1000;
    // For the note (docs/local-dashboard.md): when it fired and cleared, seconds after the spawn.
    console.log(
      `${BACKLOG_ALERT}: firing seen at ${firedAt.toFixed(0)} s, cleared at ${clearedAt.toFixed(0)} s after the spawn`,
    );
    // Cleared because the load dropped: the producer's target rate is 0 by now.
    const target = await api<{ result: { value: [number, string] }[] }>("/api/v1/query", {
      query: "sum(producer_target_rate_messages_per_second)",
    });
    expect(Number(target.result[0]?.value[1])).toBe(0);
    expect(consoleErrors).toEqual([]);
  }, 200_000);
});
