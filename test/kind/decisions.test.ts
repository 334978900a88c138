/**
 * The kind path's other decisions: which tools are missing and which runtime kind uses, the scaling
 * verdict of the e2e test, its loss verdict, the burst Job, and how a referenced image is built.
 */
import { describe, expect, it } from "vitest";
import { HELM_CHARTS } from "../../cdk8s/config.js";
import { burstJob, type DeploymentObject } from "../../kind/burst-job.js";
import { imageBuild } from "../../kind/image-builds.js";
import { parser } from "@prometheus-io/lezer-promql";
import { instantValue, judgeLoss, LOSS_QUERIES, producerSummary } from "../../kind/loss.js";
import { KEDA_KUBERNETES_RANGE, KIND_NODE_IMAGE, nodeImageMinor } from "../../kind/pins.js";
import { checkPrerequisites, findOnPath } from "../../kind/prerequisites.js";
import { judgeTimeline } from "../../kind/replica-timeline.js";
import { CONTRACT_APP_METRICS } from "../observability/known-metrics.js";
import { metricNamesInPromql } from "../observability/promql-metric-names.js";

/** Error nodes lezer-promql (Prometheus's grammar) finds in an expression. */
function promqlErrors(expr: string): number {
  let errors = 0;
  const cursor = parser.parse(expr).cursor();
  do if (cursor.type.isError) errors++;
  while (cursor.next());
  return errors;
}

const onPath =
  (...tools: string[]) =>
  (file: string): boolean =>
    tools.some((tool) => file === `/usr/bin/${tool}`);

describe("prerequisites", () => {
  it("all there with docker: nothing missing, no provider variable", () => {
    const found = checkPrerequisites({ PATH: "/usr/bin" }, onPath("docker", "podman", "kind", "kubectl"));
    expect(found).toEqual({ runtime: "docker", runtimeEnv: {}, missing: [] });
  });

  it("podman only: kind is told to use it", () => {
    const found = checkPrerequisites({ PATH: "/usr/bin" }, onPath("podman", "kind", "kubectl"));
    expect(found.runtime).toBe("podman");
    expect(found.runtimeEnv).toEqual({ KIND_EXPERIMENTAL_PROVIDER: "podman" });
  });

  it("names every missing tool, with where to get it", () => {
    const found = checkPrerequisites({ PATH: "/usr/bin:/opt/bin" }, onPath());
    expect(found.runtime).toBeUndefined();
    expect(found.missing.map((m) => m.split(/[: ]/)[0])).toEqual(["docker", "kind", "kubectl"]);
    expect(found.missing.join("\n")).toMatch(/kind\.sigs\.k8s\.io/);
  });

  it("KIND_EXPERIMENTAL_PROVIDER wins when installed, and is reported when not", () => {
    const all = onPath("docker", "podman", "kind", "kubectl");
    expect(checkPrerequisites({ PATH: "/usr/bin", KIND_EXPERIMENTAL_PROVIDER: "podman" }, all).runtime).toBe(
      "podman",
    );
    const without = checkPrerequisites(
      { PATH: "/usr/bin", KIND_EXPERIMENTAL_PROVIDER: "podman" },
      onPath("docker", "kind", "kubectl"),
    );
    expect(without.missing).toEqual(["podman (asked for by KIND_EXPERIMENTAL_PROVIDER)"]);
    expect(
      checkPrerequisites({ PATH: "/usr/bin", KIND_EXPERIMENTAL_PROVIDER: "nerdctl" }, all).missing[0],
    ).toMatch(/nerdctl/);
  });

  it("finds the first match on PATH and skips empty entries", () => {
    expect(findOnPath("kind", "::/usr/bin", onPath("kind"))).toBe("/usr/bin/kind");
    expect(findOnPath("kind", undefined, onPath("kind"))).toBeUndefined();
  });
});

describe("pins", () => {
  it("the node image is pinned by digest, in the Kubernetes range the pinned KEDA is tested against", () => {
    expect(KIND_NODE_IMAGE).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
    const kedaMinor = HELM_CHARTS.keda.version.split(".").slice(0, 2).join(".");
    const range = KEDA_KUBERNETES_RANGE[kedaMinor];
    expect(range, `no Kubernetes range recorded for KEDA ${kedaMinor}`).toBeDefined();
    const minor = (v: string): number => Number(v.split(".")[1]);
    const node = minor(nodeImageMinor());
    expect(node).toBeGreaterThanOrEqual(minor(range?.min ?? "0.0"));
    expect(node).toBeLessThanOrEqual(minor(range?.max ?? "0.0"));
  });

  it("negative control: an image outside the range is caught by the same arithmetic", () => {
    expect(nodeImageMinor("kindest/node:v1.28.0@sha256:" + "0".repeat(64))).toBe("1.28");
    expect(() => nodeImageMinor("kindest/node:latest")).toThrow(/no vX.Y.Z tag/);
  });
});

describe("replica timeline", () => {
  const at = (...replicas: number[]) => replicas.map((r, i) => ({ atMs: i * 5000, replicas: r }));

  it("0 -> 3 -> 0 is complete, with when it scaled out and back", () => {
    const verdict = judgeTimeline(at(0, 0, 1, 3, 3, 2, 1, 0), 2);
    expect(verdict).toMatchObject({
      phase: "complete",
      peak: 3,
      scaledOutAtMs: 15_000,
      scaledInAtMs: 35_000,
    });
    expect(verdict.summary).toBe("0 -> 3 -> 0 replicas: out at 15 s, back to 0 at 35 s");
  });

  it("never above 1 is not enough", () => {
    expect(judgeTimeline(at(0, 1, 1, 0), 2)).toMatchObject({ phase: "idle", peak: 1 });
  });

  it("still scaled out when sampling stopped", () => {
    expect(judgeTimeline(at(0, 2, 3, 3), 2).phase).toBe("scaled-out");
  });

  it("never seen idle: a consumer already running does not count as woken from zero", () => {
    expect(judgeTimeline(at(2, 3, 0), 2).phase).toBe("idle");
    expect(judgeTimeline(at(2, 3), 2).phase).toBe("not-idle");
  });

  it("the order matters: 0 at the end before any peak is not a cycle", () => {
    expect(judgeTimeline(at(0, 0, 0), 2).phase).toBe("idle");
    expect(() => judgeTimeline([], 0)).toThrow(/positive integer/);
  });
});

describe("loss verdict", () => {
  const log = (fields: Record<string, unknown>): string =>
    [
      '{"level":30,"msg":"producing"}',
      "not json",
      JSON.stringify({ level: 30, msg: "producer stopped", ...fields }),
      "",
    ].join("\n");
  const summary = producerSummary(log({ created: 3000, stored: 2998, duplicates: 2, failed: 0, skipped: 0 }));

  it("reads the producer's final summary from its JSON log", () => {
    expect(summary).toEqual({ created: 3000, stored: 2998, duplicates: 2, failed: 0 });
    expect(producerSummary('{"msg":"producing"}\n')).toBeUndefined();
  });

  it("nothing lost when every message in the stream was handled and none is queued", () => {
    expect(judgeLoss({ producer: summary, handled: 3000, queued: 0 })).toEqual({
      ok: true,
      lost: 0,
      summary: "nothing lost: stored 3000, handled 3000 (processed + dead-lettered), queued 0",
    });
  });

  it("lost is stored minus handled minus queued; queued and given-up publishes fail it too", () => {
    expect(judgeLoss({ producer: summary, handled: 2990, queued: 0 })).toMatchObject({ ok: false, lost: 10 });
    expect(judgeLoss({ producer: summary, handled: 2990, queued: 10 })).toMatchObject({
      ok: false,
      lost: 0,
      summary: expect.stringMatching(/^10 left in the queue/),
    });
    const gaveUp = { created: 3000, stored: 2999, duplicates: 0, failed: 1 };
    expect(judgeLoss({ producer: gaveUp, handled: 2999, queued: 0 }).summary).toMatch(/1 publishes gave up/);
  });

  it("no data is a failure, never a pass", () => {
    expect(judgeLoss({ producer: undefined, handled: 3000, queued: 0 }).ok).toBe(false);
    expect(judgeLoss({ producer: summary, handled: undefined, queued: 0 }).ok).toBe(false);
  });

  it("its queries parse as PromQL and read only metrics the apps export", () => {
    const queries = [
      LOSS_QUERIES.handled("event-pipeline", "1h"),
      LOSS_QUERIES.queued("event-pipeline", "e2e-burst"),
    ];
    const exported = new Set(Object.values(CONTRACT_APP_METRICS).flatMap((m) => Object.keys(m)));
    for (const query of queries) {
      expect(promqlErrors(query), query).toBe(0);
      for (const name of metricNamesInPromql(query)) expect(exported, query).toContain(name);
    }
    expect(promqlErrors("sum(max_over_time(x[1h])")).toBeGreaterThan(0);
  });

  it("reads a Prometheus instant-query answer", () => {
    const answer = (result: unknown[]) =>
      JSON.stringify({ status: "success", data: { resultType: "vector", result } });
    expect(instantValue(answer([{ metric: {}, value: [1765100000.1, "2998"] }]))).toBe(2998);
    expect(instantValue(answer([]))).toBeUndefined();
    expect(() => instantValue(JSON.stringify({ status: "error", error: "parse error" }))).toThrow(
      /parse error/,
    );
  });
});

describe("burst Job", () => {
  const deployment: DeploymentObject = {
    metadata: { name: "producer", namespace: "event-pipeline" },
    spec: {
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "producer" }, annotations: { checksum: "x" } },
        spec: {
          serviceAccountName: "producer",
          containers: [
            {
              name: "producer",
              env: [
                { name: "RATE_PER_SECOND", value: "5" },
                { name: "LOG_LEVEL", value: "info" },
              ],
            },
          ],
        },
      },
    },
  };

  it("runs the producer's pod template once, with the burst's rate and limit overriding its own", () => {
    const job = burstJob(deployment, { name: "e2e-burst", ratePerSecond: 200, messages: 3000 }) as {
      metadata: { namespace: string };
      spec: {
        backoffLimit: number;
        template: { metadata: { labels: object }; spec: Record<string, unknown> };
      };
    };
    expect(job.metadata.namespace).toBe("event-pipeline");
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.template.metadata.labels).toEqual({ "app.kubernetes.io/name": "producer" });
    expect(job.spec.template.spec).toMatchObject({ serviceAccountName: "producer", restartPolicy: "Never" });
    expect((job.spec.template.spec.containers as { env: unknown[] }[])[0]?.env).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: "RATE_PER_SECOND", value: "200" },
      { name: "MESSAGE_LIMIT", value: "3000" },
    ]);
  });

  it("rejects a burst that would never end or never start", () => {
    expect(() => burstJob(deployment, { name: "b", ratePerSecond: 0, messages: 1 })).toThrow(/rate/);
    expect(() => burstJob(deployment, { name: "b", ratePerSecond: 1, messages: 0.5 })).toThrow(/messages/);
  });
});

describe("image builds", () => {
  it("target and broker from <repository>/<app>:<tag>-<broker>", () => {
    expect(imageBuild("localhost/keda-event-pipeline/consumer:e2e-memphis")).toMatchObject({
      target: "consumer",
      broker: "memphis",
    });
    expect(imageBuild("ghcr.io/o/r/producer:abc-nats")).toMatchObject({ target: "producer", broker: "nats" });
    expect(() => imageBuild("ghcr.io/o/r/producer:abc")).toThrow(/-<broker>/);
  });
});
