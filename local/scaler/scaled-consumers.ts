/**
 * Wires the consumer Deployment of the manifests to a local broker: the pods (real consumer
 * processes with the Deployment's env, the local broker's connection settings on top) and, unless
 * a fixed count is asked for, the scaler polling the lag the way KEDA's nats-jetstream scaler does.
 * Used by `npm run local` and by the integration tests.
 */
import { join } from "node:path";
import { loadConsumerConfig } from "../../src/apps/consumer/config.js";
import { durableName, stationStreamName } from "../../src/broker/memphis/names.js";
import type { QueueDepthTarget } from "../../src/broker/common/jsz.js";
import { AppChild } from "../app-child.js";
import { ConsumerPods, type PodExit } from "./consumer-pods.js";
import { readJetStreamLag } from "./jetstream-lag.js";
import { LocalScaler, type ScalingEvent } from "./local-scaler.js";
import type { ConsumerManifests } from "./manifest-spec.js";
import { appVariablesOf, type AppEnv, type AppVariables, type BrokerEnv } from "../../testkit/app-env.js";

export interface ScaledConsumersProps {
  readonly manifests: ConsumerManifests;
  /** BROKER, BROKER_URL, BROKER_MONITOR_URL, BROKER_ACCOUNT and credentials of the local broker. */
  readonly brokerEnv: BrokerEnv;
  /** Consumer env on top of the Deployment's (e.g. SINK_DIR, WORK_TIME_MS). */
  readonly env?: AppVariables<"consumer">;
  /** Where the pods' logs and scaler.jsonl go. */
  readonly workDir: string;
  /** Every controller interval is divided by this. @default 1 */
  readonly speed?: number;
  /** A fixed replica count: no scaler. @default undefined (scaled) */
  readonly fixedReplicas?: number;
  readonly onScale?: (event: ScalingEvent) => void;
  readonly onExit?: (exit: PodExit) => void;
}

export interface ScaledConsumers {
  readonly pods: ConsumerPods;
  /** undefined with a fixed count. */
  readonly scaler: LocalScaler | undefined;
  /** The consumer env every pod gets (before HTTP_PORT and INSTANCE_ID). */
  readonly podEnv: AppEnv<"consumer">;
  /** Where the lag is read: the local broker's group, named as its adapter names it. */
  readonly lagTarget: QueueDepthTarget;
  readonly journalPath: string;
  /** Stop the scaler and terminate every pod; resolves with every pod's exit. */
  stop(): Promise<readonly PodExit[]>;
}

/** Timeout of one lag read (KEDA's default HTTP timeout is 3 s: KEDA_HTTP_DEFAULT_TIMEOUT). */
const LAG_READ_TIMEOUT_MS = 3_000;

export function startScaledConsumers(props: ScaledConsumersProps): ScaledConsumers {
  const { manifests } = props;
  const speed = props.speed ?? 1;
  const podEnv: AppEnv<"consumer"> = {
    ...appVariablesOf("consumer", manifests.pod.env, manifests.files.at(-1) ?? "the Deployment"),
    ...props.brokerEnv,
    ...props.env,
  };
  const broker = loadConsumerConfig({ ...podEnv, INSTANCE_ID: "scaler" }).common.broker;
  // The trigger names the cluster's broker; locally its lag is that of the local group.
  const lagTarget: QueueDepthTarget =
    broker.kind === "memphis"
      ? {
          monitorUrl: broker.monitorUrl,
          account: broker.account,
          stream: stationStreamName(broker.stream),
          consumer: durableName(broker.consumerGroup),
        }
      : {
          monitorUrl: broker.monitorUrl,
          account: broker.account,
          stream: broker.stream,
          consumer: broker.consumerGroup,
        };
  const pods = new ConsumerPods({
    start: (name, httpPort) => AppChild.start("consumer", name, podEnv, httpPort, props.workDir),
    graceMs: manifests.pod.terminationGracePeriodSeconds * 1000,
    probePath: manifests.pod.readinessPath,
    // The kubelet's probe period, sped up like the controllers so readiness shows in step.
    probePeriodMs: (manifests.pod.readinessPeriodSeconds * 1000) / speed,
    onExit: props.onExit,
  });
  const journalPath = join(props.workDir, "scaler.jsonl");
  let scaler: LocalScaler | undefined;
  if (props.fixedReplicas === undefined) {
    scaler = new LocalScaler({
      spec: manifests.scaling,
      speed,
      readLag: () => readJetStreamLag(lagTarget, LAG_READ_TIMEOUT_MS),
      pods,
      journalPath,
      initialReplicas: manifests.pod.initialReplicas,
      onScale: props.onScale,
    });
    scaler.start();
  } else {
    pods.scaleTo(props.fixedReplicas);
  }
  return {
    pods,
    scaler,
    podEnv,
    lagTarget,
    journalPath,
    async stop() {
      await scaler?.stop();
      return pods.stopAll();
    },
  };
}
