/**
 * The local run's monitoring: a real Prometheus scraping the producer, every consumer process
 * the scaler runs (file-based service discovery, rewritten as pods start and stop) and the
 * controller stand-ins (KEDA and kube-state-metrics series of the local scaler), evaluating the
 * synthesized alert rules; and the dashboard page that draws the committed dashboards from it.
 */
import type { EnvironmentName } from "../../cdk8s/config.js";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AppChild } from "../app-child.js";
import { DashboardPage, type PageEvent } from "../page/page-server.js";
import type { ScaledConsumers } from "../scaler/scaled-consumers.js";
import type { ConsumerManifests } from "../scaler/manifest-spec.js";
import { readClusterIdentity, type ClusterIdentity } from "./cluster-identity.js";
import { ControllerMetrics } from "./controller-metrics.js";
import { localRuleFile, readRuleGroups } from "./local-rule-file.js";
import { PrometheusServer } from "./prometheus-server.js";
import { RULE_FILE, scrapeConfig, writeAppTargets, type AppTarget } from "./scrape-config.js";

export interface LocalObservabilityProps {
  readonly env: EnvironmentName;
  readonly manifests: ConsumerManifests;
  readonly consumers: ScaledConsumers;
  /** Controller speed: rule durations are divided by it too. */
  readonly speed: number;
  /** Where prometheus.log goes. */
  readonly workDir: string;
  /** Fixed consumer count, if any. */
  readonly fixedReplicas: number | undefined;
  readonly log: (line: string) => void;
  /** Header of the page. */
  readonly title: string;
  /** Scrape and evaluation interval. @default 1 */
  readonly scrapeIntervalSeconds?: number;
}

/** Events kept for the page. */
const MAX_EVENTS = 200;
/** How often the pod list is compared with the SD file. */
const TARGET_SYNC_MS = 250;

export class LocalObservability {
  private producer: AppChild | undefined;
  private written = "";
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();

  private constructor(
    readonly identity: ClusterIdentity,
    readonly prometheus: PrometheusServer,
    private readonly controllers: ControllerMetrics,
    readonly page: DashboardPage,
    private readonly consumers: ScaledConsumers,
    private readonly events: PageEvent[],
  ) {}

  static async start(props: LocalObservabilityProps): Promise<LocalObservability> {
    const identity = readClusterIdentity(props.env);
    const interval = props.scrapeIntervalSeconds ?? 1;
    const controllers = await ControllerMetrics.start({
      identity,
      spec: props.manifests.scaling,
      pods: props.consumers.pods,
      scaler: props.consumers.scaler,
      fixedReplicas: props.fixedReplicas,
    });
    const rules = localRuleFile(readRuleGroups(props.env), props.speed);
    let prometheus: PrometheusServer;
    try {
      prometheus = await PrometheusServer.start(
        {
          config: (dir) =>
            scrapeConfig(
              {
                identity,
                intervalSeconds: interval,
                controllersAddress: controllers.address,
                endpointPort: identity.metricsPort,
              },
              dir,
            ),
          logFile: join(props.workDir, "prometheus.log"),
          beforeStart: async (dir) => {
            await writeFile(join(dir, RULE_FILE), rules);
            await writeAppTargets(dir, [], { identity, endpointPort: identity.metricsPort });
          },
        },
        props.log,
      );
    } catch (error) {
      await controllers.stop();
      throw error;
    }
    const events: PageEvent[] = [];
    const page = await DashboardPage.start({
      prometheusUrl: prometheus.url,
      settings: {
        title: props.title,
        scrapeIntervalSeconds: interval,
        startedAtMs: Date.now(),
        refreshSeconds: 2,
        variables: {},
      },
      events: () => events,
    });
    const observability = new LocalObservability(
      identity,
      prometheus,
      controllers,
      page,
      props.consumers,
      events,
    );
    observability.syncTimer = setInterval(() => observability.sync(), TARGET_SYNC_MS);
    return observability;
  }

  /** The producer to scrape (started after this, so set when known). */
  setProducer(producer: AppChild): void {
    this.producer = producer;
    this.sync();
  }

  /** A line for the page's event list. */
  event(text: string): void {
    this.events.push({ at: Date.now(), text });
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  /** Rewrite the SD file when the set of running processes changed. */
  private sync(): void {
    const targets: AppTarget[] = [
      ...(this.producer?.running === true ? [this.producer] : []).map((p) => ({
        port: p.httpPort,
        pod: p.name,
        app: "producer",
      })),
      ...this.consumers.pods.children.map((c) => ({ port: c.httpPort, pod: c.name, app: "consumer" })),
    ];
    const key = JSON.stringify(targets);
    if (key === this.written) return;
    this.written = key;
    this.syncing = this.syncing.then(() =>
      writeAppTargets(this.prometheus.dir, targets, {
        identity: this.identity,
        endpointPort: this.identity.metricsPort,
      }),
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.syncTimer);
    await this.syncing.catch(() => {});
    await this.page.stop();
    await this.prometheus.stop();
    await this.controllers.stop();
  }
}
