/**
 * `npm run kind -- up|down|status|e2e-prepare|e2e [--env dev|prod] [--dry-run] ...`: a local
 * Kubernetes cluster (kind) with Argo CD and this repository's bootstrap, and the end-to-end check
 * the e2e workflow runs on it. Every external step is a `Command` (kind/shell.ts): `--dry-run`
 * prints each one and runs none.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BROKER_BY_ENVIRONMENT, ENVIRONMENT_NAMES, type EnvironmentName } from "../cdk8s/config.js";
import { sealableSecrets } from "../cdk8s/secrets/catalog.js";
import { CliExit, parseCli, usageText, type CliOption, type CliSpec } from "../tooling/cli.js";
import { REPO_ROOT } from "../tooling/repo-root.js";
import { editExportedObject } from "../tooling/ts-config-edit.js";
import { burstJob, type DeploymentObject } from "./burst-job.js";
import { applicationNames, bootstrapDir, deploymentNamespace, pipelineImages } from "./environment-files.js";
import { imageBuild } from "./image-builds.js";
import { instantValue, judgeLoss, LOSS_QUERIES, producerSummary } from "./loss.js";
import { ARGO_CD_INSTALL_URL, KIND_NODE_IMAGE, KIND_VERSION } from "./pins.js";
import { checkPrerequisites, type Prerequisites } from "./prerequisites.js";
import { evaluateProgress, progressLines, type Progress } from "./progress.js";
import { judgeTimeline, type ReplicaSample } from "./replica-timeline.js";
import { runChecked, type Command, type Shell } from "./shell.js";

export const SUBCOMMANDS = ["up", "down", "status", "install-kind", "e2e-prepare", "e2e"] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export const KIND_CLI = {
  usage: `npm run kind -- <${SUBCOMMANDS.join("|")}> [--env <${ENVIRONMENT_NAMES.join("|")}>] [--dry-run] [options]`,
  description: [
    "up: create a kind cluster, install Argo CD, apply the bootstrap, seal the credentials for the new",
    "cluster's key and report sync and health until every Application is Healthy. down: delete the",
    "cluster and its volumes. status: the Applications' progress. install-kind: the pinned kind with",
    "`go install` (checked against the Go checksum database). e2e-prepare / e2e: what the e2e",
    "workflow runs (point the manifests at a branch; then a burst, 0 -> >=2 -> 0 replicas, nothing lost).",
  ].join("\n"),
  options: {
    env: { type: "string", default: "dev", valueName: ENVIRONMENT_NAMES.join("|"), help: "environment" },
    name: {
      type: "string",
      valueName: "cluster",
      help: "kind cluster name (default keda-event-pipeline-<env>)",
    },
    "dry-run": { type: "boolean", default: false, help: "print every command; run none" },
    "no-seal": {
      type: "boolean",
      default: false,
      help: "up: do not seal (the committed files are for this cluster)",
    },
    "load-images": {
      type: "boolean",
      default: false,
      help: "up: build the images the manifests name and load them into the cluster",
    },
    push: {
      type: "string",
      valueName: "branch",
      help: "up: commit the sealed files and push them to origin <branch> (otherwise it tells you to)",
    },
    timeout: { type: "string", default: "30", valueName: "minutes", help: "give up waiting after this long" },
    repository: { type: "string", valueName: "url", help: "e2e-prepare: the git URL Argo CD pulls" },
    revision: { type: "string", valueName: "branch", help: "e2e-prepare: the branch Argo CD tracks" },
    "burst-messages": { type: "string", default: "3000", valueName: "n", help: "e2e: messages in the burst" },
    "burst-rate": { type: "string", default: "200", valueName: "msg/s", help: "e2e: rate of the burst" },
  },
  allowPositionals: true,
} satisfies CliSpec<Record<string, CliOption>>;

/** What the command needs from outside (passed in so that tests run it without a cluster). */
export interface KindIo {
  readonly shell: Shell;
  readonly log: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Prerequisite check. @default checkPrerequisites(env) */
  readonly prerequisites?: () => Prerequisites;
  /** Wait between polls. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds clock. @default Date.now */
  readonly now?: () => number;
  /** Repository root (the files it reads and writes). @default REPO_ROOT */
  readonly root?: string;
}

/** The settings every step reads. */
export interface KindContext {
  readonly env: EnvironmentName;
  readonly cluster: string;
  /** kubectl context kind creates; every kubectl command names it, never the current one. */
  readonly kubeContext: string;
  readonly prerequisites: Prerequisites;
  readonly timeoutMs: number;
  readonly io: KindIo;
  readonly root: string;
}

const POLL_MS = 10_000;
const REPLICA_POLL_MS = 5_000;
/** The pipeline's consumer Deployment (the ScaledObject's target). */
const CONSUMER = "consumer";
const PRODUCER = "producer";
const BURST_JOB = "e2e-burst";
/** Where `up` keeps what belongs to one cluster (its certificate); ignored by git. */
const STATE_DIR = ".kind";

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new CliExit(2, `--${flag}: expected a positive number, got "${text}"\n\n${usageText(KIND_CLI)}`);
  return value;
}

const kubectl = (
  ctx: KindContext,
  args: readonly string[],
  why: string,
  extra: Partial<Command> = {},
): Command => ({
  argv: ["kubectl", "--context", ctx.kubeContext, ...args],
  why,
  ...extra,
});

/** Run a kubectl command against the cluster's context; fail on a non-zero exit. */
const runKubectl = (
  ctx: KindContext,
  args: readonly string[],
  why: string,
  extra: Partial<Command> = {},
): Promise<string> => runChecked(ctx.io.shell, kubectl(ctx, args, why, extra));

/** Fail fast, naming every missing tool (a dry run only reports them). */
function requireTools(ctx: KindContext, also: readonly string[] = []): void {
  const missing = [...ctx.prerequisites.missing, ...also];
  if (missing.length === 0) {
    ctx.io.log(`prerequisites: ${ctx.prerequisites.runtime}, kind, kubectl found`);
    return;
  }
  const text = `missing prerequisites:\n${missing.map((m) => `  - ${m}`).join("\n")}`;
  if (ctx.io.shell.dryRun) ctx.io.log(`${text}\n(dry run: continuing to print the commands)`);
  else throw new Error(text);
}

const sleep = (ctx: KindContext, ms: number): Promise<void> =>
  (ctx.io.sleep ?? ((t) => new Promise((resolve) => setTimeout(resolve, t))))(ms);
const now = (ctx: KindContext): number => (ctx.io.now ?? Date.now)();

/** Poll `command` until `done(stdout)`; a dry run prints it once. */
async function pollUntil(
  ctx: KindContext,
  command: Command,
  done: (stdout: string, code: number) => boolean,
  intervalMs: number,
  what: string,
): Promise<void> {
  if (ctx.io.shell.dryRun) {
    await ctx.io.shell.run({
      ...command,
      why: `${command.why} (repeated every ${intervalMs / 1000} s until ${what})`,
    });
    return;
  }
  const deadline = now(ctx) + ctx.timeoutMs;
  for (;;) {
    const result = await ctx.io.shell.run(command);
    if (done(result.stdout, result.code)) return;
    if (now(ctx) > deadline)
      throw new Error(`timed out after ${ctx.timeoutMs / 60_000} min waiting for ${what}`);
    await sleep(ctx, intervalMs);
  }
}

/** Report Application progress until every one is Synced and Healthy (or the timeout). */
export async function waitForHealthy(
  ctx: KindContext,
  onNeedsSealing?: () => void,
): Promise<Progress | undefined> {
  const expected = applicationNames(ctx.env, ctx.root);
  const command = kubectl(
    ctx,
    ["-n", "argocd", "get", "applications", "-o", "json"],
    "read the Applications' sync and health",
    {
      capture: true,
    },
  );
  if (ctx.io.shell.dryRun) {
    await ctx.io.shell.run({
      ...command,
      why: `${command.why} (every ${POLL_MS / 1000} s until ${expected.join(", ")} are all Synced and Healthy)`,
    });
    return undefined;
  }
  const deadline = now(ctx) + ctx.timeoutMs;
  let shown = "";
  let sealingHinted = false;
  for (;;) {
    const result = await ctx.io.shell.run(command);
    if (result.code === 0) {
      const progress = evaluateProgress(result.stdout, expected);
      const text = progressLines(progress).join("\n");
      if (text !== shown) ctx.io.log(text);
      shown = text;
      if (progress.state === "healthy") return progress;
      if (progress.state === "needs-sealing" && !sealingHinted) {
        sealingHinted = true;
        onNeedsSealing?.();
      }
    }
    if (now(ctx) > deadline)
      throw new Error(`timed out after ${ctx.timeoutMs / 60_000} min; last state:\n${shown}`);
    await sleep(ctx, POLL_MS);
  }
}

/** The git steps that publish the sealed files to the branch Argo CD tracks. */
function pushCommands(branch: string, message: string): Command[] {
  return [
    {
      argv: ["git", "add", "cdk8s/sealed", "cdk8s/data", "dist-manifests", "argocd", "cdk8s/config.ts"],
      why: "stage the changed files",
    },
    {
      argv: [
        "git",
        "-c",
        "user.name=kind",
        "-c",
        "user.email=kind@localhost",
        "commit",
        "--allow-empty",
        "-m",
        message,
      ],
      why: "commit them",
    },
    {
      argv: ["git", "push", "--force", "origin", `HEAD:refs/heads/${branch}`],
      why: `push to the branch Argo CD tracks (${branch})`,
    },
  ];
}

/** Seal every Secret of the environment with this cluster's certificate and re-synthesize. */
async function sealForCluster(ctx: KindContext, push: string | undefined): Promise<void> {
  const { shell, log } = ctx.io;
  await pollUntil(
    ctx,
    kubectl(
      ctx,
      ["-n", "kube-system", "get", "deployment", "sealed-secrets-controller", "-o", "name"],
      "wait for Argo CD to create the Sealed Secrets controller (wave -5)",
      {
        capture: true,
      },
    ),
    (_out, code) => code === 0,
    POLL_MS,
    "deployment/sealed-secrets-controller exists",
  );
  await runKubectl(
    ctx,
    ["-n", "kube-system", "rollout", "status", "deployment/sealed-secrets-controller", "--timeout=600s"],
    "wait until the controller runs (it makes the cluster's key)",
  );
  // The path kubeseal --fetch-cert reads through the API server's service proxy
  // (sealed-secrets pkg/kubeseal: ProxyGet("http", name, "", "/v1/cert.pem")).
  const cert = await runKubectl(
    ctx,
    [
      "get",
      "--raw",
      "/api/v1/namespaces/kube-system/services/http:sealed-secrets-controller:/proxy/v1/cert.pem",
    ],
    "fetch the controller's public certificate",
    {
      capture: true,
    },
  );
  const certFile = join(STATE_DIR, ctx.cluster, "cert.pem");
  if (!shell.dryRun) {
    mkdirSync(join(ctx.root, STATE_DIR, ctx.cluster), { recursive: true });
    writeFileSync(join(ctx.root, certFile), cert);
  }
  log(`certificate of ${ctx.cluster} in ${certFile}`);
  for (const secret of sealableSecrets(ctx.env, BROKER_BY_ENVIRONMENT[ctx.env]))
    await runChecked(shell, {
      argv: [
        "npm",
        "run",
        "-s",
        "seal",
        "--",
        "--cert",
        certFile,
        "--env",
        ctx.env,
        "--secret",
        secret.name,
        "--generate",
        "--no-synth",
      ],
      why: `seal ${secret.name} with random values for this cluster`,
    });
  await runChecked(shell, {
    argv: ["npm", "run", "-s", "synth"],
    why: "re-synthesize the manifests that embed the ciphertexts",
  });
  if (push !== undefined) {
    for (const command of pushCommands(push, `Seal the credentials for kind cluster ${ctx.cluster}`))
      await runChecked(shell, command);
    await runKubectl(
      ctx,
      [
        "-n",
        "argocd",
        "annotate",
        "applications",
        "--all",
        "argocd.argoproj.io/refresh=normal",
        "--overwrite",
      ],
      "ask Argo CD to read the branch now instead of within 3 minutes",
    );
  } else log(sealingInstructions());
}

function sealingInstructions(): string {
  return [
    "The Secrets are sealed for this cluster's key in cdk8s/sealed/ and dist-manifests/. Argo CD reads",
    "them from your fork: commit and push them, and the waiting Applications continue:",
    '  git add cdk8s/sealed dist-manifests && git commit -m "Seal the credentials for our kind cluster" && git push',
  ].join("\n");
}

async function up(
  ctx: KindContext,
  values: { loadImages: boolean; seal: boolean; push: string | undefined },
): Promise<void> {
  const { shell, log } = ctx.io;
  requireTools(ctx);
  const runtimeEnv = ctx.prerequisites.runtimeEnv;
  const runtime = ctx.prerequisites.runtime ?? "docker";
  const existing = await shell.run({
    argv: ["kind", "get", "clusters"],
    env: runtimeEnv,
    why: "is the cluster already there?",
    capture: true,
  });
  if (existing.stdout.split("\n").includes(ctx.cluster)) log(`cluster ${ctx.cluster} exists: reusing it`);
  else
    await runChecked(shell, {
      argv: [
        "kind",
        "create",
        "cluster",
        "--name",
        ctx.cluster,
        "--image",
        KIND_NODE_IMAGE,
        "--wait",
        "180s",
      ],
      env: runtimeEnv,
      why: `create the cluster (node image pinned in kind/pins.ts)`,
    });
  if (values.loadImages)
    for (const image of pipelineImages(ctx.env, ctx.root)) {
      const build = imageBuild(image);
      await runChecked(shell, {
        argv: [
          runtime,
          "build",
          "--target",
          build.target,
          "--build-arg",
          `BROKER=${build.broker}`,
          "--tag",
          image,
          ".",
        ],
        why: `build ${build.target} for ${build.broker} as the manifests name it`,
      });
      await runChecked(shell, {
        argv: ["kind", "load", "docker-image", image, "--name", ctx.cluster],
        env: runtimeEnv,
        why: "load it into the cluster's nodes (the tag is not :latest, so pods use it without pulling)",
      });
    }
  await runKubectl(ctx, ["apply", "-f", "-"], "the argocd namespace", {
    stdin: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "argocd" } }),
  });
  await runKubectl(
    ctx,
    ["apply", "-n", "argocd", "--server-side", "--force-conflicts", "-f", ARGO_CD_INSTALL_URL],
    "install Argo CD (pinned in kind/pins.ts)",
  );
  await runKubectl(
    ctx,
    ["-n", "argocd", "wait", "--for=condition=Available", "deployment", "--all", "--timeout=600s"],
    "wait for Argo CD",
  );
  if (values.push !== undefined)
    for (const command of pushCommands(values.push, `Manifests for kind cluster ${ctx.cluster}`))
      await runChecked(shell, command);
  await runKubectl(
    ctx,
    ["apply", "-f", `${bootstrapDir(ctx.env)}/`],
    `apply the ${ctx.env} bootstrap: AppProjects and the root Application`,
  );
  if (values.seal) await sealForCluster(ctx, values.push);
  else log("--no-seal: the committed sealed files must be for this cluster's key");
  await waitForHealthy(ctx, () => log(sealingInstructions()));
  log(shell.dryRun ? "dry run: nothing was run" : `${ctx.cluster}: every Application is Synced and Healthy`);
  log(
    `Argo CD UI: kubectl --context ${ctx.kubeContext} -n argocd port-forward service/argocd-server 8080:443, user admin, password:`,
  );
  log(
    `  kubectl --context ${ctx.kubeContext} -n argocd get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d`,
  );
}

async function down(ctx: KindContext): Promise<void> {
  requireTools(ctx);
  // The volumes (every PVC: brokers, Prometheus, Loki) live inside the node containers: deleting
  // the cluster deletes them.
  await runChecked(ctx.io.shell, {
    argv: ["kind", "delete", "cluster", "--name", ctx.cluster],
    env: ctx.prerequisites.runtimeEnv,
    why: "delete the cluster, its nodes and every volume in them",
  });
}

async function status(ctx: KindContext): Promise<void> {
  requireTools(ctx);
  const result = await ctx.io.shell.run(
    kubectl(
      ctx,
      ["-n", "argocd", "get", "applications", "-o", "json"],
      "read the Applications' sync and health",
      { capture: true },
    ),
  );
  if (ctx.io.shell.dryRun) return;
  if (result.code !== 0)
    throw new Error(`cannot read the Applications of ${ctx.kubeContext} (is the cluster up?)`);
  for (const line of progressLines(evaluateProgress(result.stdout, applicationNames(ctx.env, ctx.root))))
    ctx.io.log(line);
}

/**
 * Point the manifests at a branch of a repository Argo CD can read, pause the steady producer (the
 * burst must be the only load, so the consumer can be seen at 0) and name local images.
 */
async function e2ePrepare(
  ctx: KindContext,
  repository: string | undefined,
  revision: string | undefined,
): Promise<void> {
  if (repository === undefined || revision === undefined)
    throw new CliExit(2, `e2e-prepare needs --repository and --revision\n\n${usageText(KIND_CLI)}`);
  const file = join(ctx.root, "cdk8s", "config.ts");
  const text = readFileSync(file, "utf8");
  const edited = editExportedObject(text, file, "GITOPS_REPOSITORY", [
    { path: ["url"], value: repository },
    { path: ["targetRevision"], value: revision },
  ]);
  ctx.io.log(`GITOPS_REPOSITORY: ${edited.previous.join(" @ ")} -> ${repository} @ ${revision}`);
  if (!ctx.io.shell.dryRun) writeFileSync(file, edited.text);
  await runChecked(ctx.io.shell, {
    argv: ["npm", "run", "-s", "set-rate", "--", "--env", ctx.env, "--rate", "0", "--no-synth"],
    why: "pause the steady producer: the burst is the only load",
  });
  await runChecked(ctx.io.shell, {
    argv: [
      "npm",
      "run",
      "-s",
      "bump-images",
      "--",
      "--tag",
      "e2e",
      "--registry",
      "localhost/keda-event-pipeline",
      "--no-synth",
    ],
    why: "name images that `up --load-images` builds and loads (never pulled)",
  });
  await runChecked(ctx.io.shell, { argv: ["npm", "run", "-s", "synth"], why: "re-synthesize" });
}

/** Publish a burst and check 0 -> >= 2 -> 0 consumer replicas and that nothing was lost. */
async function e2e(ctx: KindContext, burstMessages: number, burstRate: number): Promise<boolean> {
  const { shell, log } = ctx.io;
  requireTools(ctx);
  const namespace = deploymentNamespace(ctx.env, PRODUCER, ctx.root);
  const replicasCommand = kubectl(
    ctx,
    ["-n", namespace, "get", "deployment", CONSUMER, "-o", "jsonpath={.spec.replicas}"],
    "read the consumer's replicas",
    {
      capture: true,
    },
  );
  const readReplicas = async (): Promise<number> =>
    Number((await runChecked(shell, replicasCommand)).trim() || "0");
  // Before the burst the consumer must be idle at 0 (nothing else publishes).
  await pollUntil(
    ctx,
    replicasCommand,
    (out) => out.trim() === "0",
    REPLICA_POLL_MS,
    "the consumer is at 0 replicas",
  );
  const producer = await runKubectl(
    ctx,
    ["-n", namespace, "get", "deployment", PRODUCER, "-o", "json"],
    "read the producer's pod template",
    { capture: true },
  );
  const job = shell.dryRun
    ? {
        note: `Job ${BURST_JOB}: the producer's pod template with RATE_PER_SECOND=${burstRate}, MESSAGE_LIMIT=${burstMessages}`,
      }
    : burstJob(JSON.parse(producer) as DeploymentObject, {
        name: BURST_JOB,
        ratePerSecond: burstRate,
        messages: burstMessages,
      });
  await runKubectl(
    ctx,
    ["apply", "-f", "-"],
    `start the burst: ${burstMessages} messages at ${burstRate}/s`,
    {
      stdin: JSON.stringify(job, null, 2),
    },
  );
  const started = now(ctx);
  const samples: ReplicaSample[] = [{ atMs: 0, replicas: 0 }];
  const minPeak = 2;
  if (shell.dryRun) {
    await shell.run({
      ...replicasCommand,
      why: `${replicasCommand.why} (every ${REPLICA_POLL_MS / 1000} s until 0 -> >=${minPeak} -> 0)`,
    });
  } else {
    for (;;) {
      samples.push({ atMs: now(ctx) - started, replicas: await readReplicas() });
      const verdict = judgeTimeline(samples, minPeak);
      const last = samples.at(-1);
      if (last !== undefined && last.replicas !== samples.at(-2)?.replicas)
        log(`  t=${(last.atMs / 1000).toFixed(0)} s: ${last.replicas} replicas`);
      if (verdict.phase === "complete") break;
      if (now(ctx) - started > ctx.timeoutMs) break;
      await sleep(ctx, REPLICA_POLL_MS);
    }
  }
  const timeline = judgeTimeline(samples, minPeak);
  await runKubectl(
    ctx,
    ["-n", namespace, "wait", "--for=condition=Complete", `job/${BURST_JOB}`, "--timeout=120s"],
    "the burst producer stored every message and exited",
  );
  const logs = await runKubectl(
    ctx,
    ["-n", namespace, "logs", `job/${BURST_JOB}`],
    "the burst producer's summary",
    {
      capture: true,
    },
  );
  const prometheus = (query: string): Command =>
    kubectl(
      ctx,
      [
        "get",
        "--raw",
        `/api/v1/namespaces/monitoring/services/kube-prometheus-stack-prometheus:http-web/proxy/api/v1/query?query=${encodeURIComponent(query)}`,
      ],
      `Prometheus: ${query}`,
      { capture: true },
    );
  const handledText = await runChecked(shell, prometheus(LOSS_QUERIES.handled(namespace, "1h")));
  const queuedText = await runChecked(shell, prometheus(LOSS_QUERIES.queued(namespace, BURST_JOB)));
  if (shell.dryRun) {
    log("dry run: nothing was run");
    return true;
  }
  const loss = judgeLoss({
    producer: producerSummary(logs),
    handled: instantValue(handledText),
    queued: instantValue(queuedText),
  });
  log(`scaling: ${timeline.summary}`);
  log(`loss: ${loss.summary}`);
  return timeline.phase === "complete" && loss.ok;
}

/** Run one subcommand; returns the exit code. */
export async function runKind(argv: readonly string[], io: KindIo): Promise<number> {
  const { values, positionals } = parseCli(KIND_CLI, argv);
  const [sub, ...rest] = positionals;
  if (sub === undefined || !(SUBCOMMANDS as readonly string[]).includes(sub) || rest.length > 0)
    throw new CliExit(
      2,
      `expected one of ${SUBCOMMANDS.join(", ")}, got ${positionals.join(" ") || "nothing"}\n\n${usageText(KIND_CLI)}`,
    );
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(values.env))
    throw new CliExit(
      2,
      `--env: unknown environment "${values.env}" (known: ${ENVIRONMENT_NAMES.join(", ")})\n\n${usageText(KIND_CLI)}`,
    );
  const env = values.env as EnvironmentName;
  const cluster = values.name ?? `keda-event-pipeline-${env}`;
  const ctx: KindContext = {
    env,
    cluster,
    kubeContext: `kind-${cluster}`,
    prerequisites: (io.prerequisites ?? (() => checkPrerequisites(io.env)))(),
    timeoutMs: positiveNumber(values.timeout, "timeout") * 60_000,
    io,
    root: io.root ?? REPO_ROOT,
  };
  switch (sub as Subcommand) {
    case "up":
      await up(ctx, { loadImages: values["load-images"], seal: !values["no-seal"], push: values.push });
      return 0;
    case "down":
      await down(ctx);
      return 0;
    case "status":
      await status(ctx);
      return 0;
    case "install-kind":
      await runChecked(io.shell, {
        argv: ["go", "install", `sigs.k8s.io/kind@${KIND_VERSION}`],
        why: "install the pinned kind (kind/pins.ts) into $(go env GOPATH)/bin",
      });
      return 0;
    case "e2e-prepare":
      await e2ePrepare(ctx, values.repository, values.revision);
      return 0;
    case "e2e":
      return (await e2e(
        ctx,
        positiveNumber(values["burst-messages"], "burst-messages"),
        positiveNumber(values["burst-rate"], "burst-rate"),
      ))
        ? 0
        : 1;
  }
}
