/**
 * Item 3: no person creates the Memphis user. In every Memphis environment the memphis-user Job
 * creates the apps' user from the sealed credentials (the broker's own HTTP API:
 * memphisdev/memphis@v1.4.3 POST /api/usermgmt/login + /api/usermgmt/addUser), before the
 * provisioning Job connects as that user.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readChartFacts } from "../../cdk8s/argocd/chart-facts.js";
import { BROKER_BY_ENVIRONMENT, ENVIRONMENT_NAMES, ENVIRONMENTS, HELM_CHARTS } from "../../cdk8s/config.js";
import { PROVISIONING_JOB_NAME } from "../../cdk8s/lib/provisioning-job.js";
import { synthesize } from "../../cdk8s/synth.js";
import type { KubeDoc } from "./support/manifests.js";
import { docsUnder, parseFiles, selectorMatches } from "./support/manifests.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const files = parseFiles(synthesize());
const wave = (d: KubeDoc): number => Number(d.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);

/** Why a Memphis environment's manifests would still need a person to create the apps' user. */
function userCreationProblems(docs: KubeDoc[]): string[] {
  const job = docs.find((d) => d.kind === "Job" && d.metadata.name === "memphis-user");
  if (job === undefined) return ["no Job creates the apps' Memphis user"];
  const problems: string[] = [];
  const provisioning = docs.find((d) => d.kind === "Job" && d.metadata.name === PROVISIONING_JOB_NAME)!;
  if (!(wave(job) < wave(provisioning))) problems.push("the user Job does not run before provisioning");
  const pod = job.spec.template.spec;
  const container = pod.containers[0];
  const env = (name: string): any => container.env.find((e: any) => e.name === name);
  const consumer = docs.find((d) => d.kind === "Deployment" && d.metadata.name === "consumer")!.spec.template
    .spec.containers[0];
  for (const key of ["BROKER_USERNAME", "BROKER_PASSWORD"])
    if (
      JSON.stringify(env(key)?.valueFrom) !==
      JSON.stringify(consumer.env.find((e: any) => e.name === key)?.valueFrom)
    )
      problems.push(`${key} is not the apps' credential`);
  const root = env("ROOT_PASSWORD")?.valueFrom?.secretKeyRef;
  const sealed = docs.find((d) => d.kind === "SealedSecret" && d.metadata.name === root?.name);
  if (sealed?.spec.encryptedData?.[root?.key] === undefined)
    problems.push("ROOT_PASSWORD is not from a SealedSecret");
  // The API endpoint is the Memphis chart's Service and management port.
  const facts = readChartFacts(HELM_CHARTS.memphis) as any;
  const url = new URL(env("MEMPHIS_API_URL")?.value ?? "http://invalid");
  const service = facts.services.find((s: any) => url.hostname === `${s.name}.memphis.svc.cluster.local`);
  if (!service?.ports.some((p: any) => p.port === Number(url.port) && p.name === "memphis-cp-management"))
    problems.push(`MEMPHIS_API_URL ${url.href} is not the chart's management port`);
  const egress = docs.filter(
    (d) =>
      d.kind === "NetworkPolicy" &&
      selectorMatches(d.spec.podSelector, job.spec.template.metadata.labels) &&
      (d.spec.egress ?? []).some((e: any) => e.ports?.some((p: any) => p.port === Number(url.port))),
  );
  if (egress.length === 0) problems.push("no NetworkPolicy lets the Job reach the management port");
  const script = docs.find(
    (d) =>
      d.kind === "ConfigMap" && d.metadata.name === pod.volumes.find((v: any) => v.configMap)?.configMap.name,
  );
  if (!/\/api\/usermgmt\/addUser/.test(Object.values(script?.data ?? {}).join("")))
    problems.push("the script does not add the user");
  return problems;
}

describe.each(ENVIRONMENT_NAMES.filter((e) => BROKER_BY_ENVIRONMENT[e] === "memphis"))(
  "Memphis environment %s",
  (env) => {
    const docs = docsUnder(files, `dist-manifests/${env}/`);

    it("creates the apps' user from the sealed credentials before provisioning", () => {
      expect(userCreationProblems(docs)).toEqual([]);
    });

    it("the check fails without the Job, with its credentials from elsewhere, or with the wrong port (negative controls)", () => {
      expect(
        userCreationProblems(docs.filter((d) => d.metadata.name !== "memphis-user" || d.kind !== "Job")),
      ).toEqual(["no Job creates the apps' Memphis user"]);
      const swapped = structuredClone(docs);
      const job = swapped.find((d) => d.kind === "Job" && d.metadata.name === "memphis-user")!;
      const c = job.spec.template.spec.containers[0];
      c.env.find((e: any) => e.name === "BROKER_PASSWORD").valueFrom.secretKeyRef.name = "somewhere-else";
      c.env.find((e: any) => e.name === "MEMPHIS_API_URL").value =
        "http://memphis.memphis.svc.cluster.local:6666";
      job.metadata.annotations!["argocd.argoproj.io/sync-wave"] = "5";
      expect(userCreationProblems(swapped)).toEqual([
        "the user Job does not run before provisioning",
        "BROKER_PASSWORD is not the apps' credential",
        "MEMPHIS_API_URL http://memphis.memphis.svc.cluster.local:6666/ is not the chart's management port",
      ]);
      // The Job's own egress policy is what opens the management port.
      const closed = docs.filter((d) => d.metadata.name !== "allow-memphis-user-egress");
      expect(userCreationProblems(closed)).toEqual([
        "no NetworkPolicy lets the Job reach the management port",
      ]);
    });

    it("the Memphis chart runs user/password authentication, which the Job's user needs", () => {
      const app = docsUnder(files, `argocd/${env}/apps/`).find((d) => d.metadata.name === "memphis")!;
      expect(app.spec.source.helm.valuesObject.memphis.configFile.userPassBasedAuth).toBe(true);
      expect(ENVIRONMENTS[env].namespace).toBe(docs.find((d) => d.kind === "Namespace")!.metadata.name);
    });
  },
);

describe("the user script", () => {
  it("exits 2 naming every missing variable, and prints no value it was given", () => {
    const script = join(
      import.meta.dirname,
      "..",
      "..",
      "cdk8s",
      "lib",
      "memphis-user",
      "create-application-user.mjs",
    );
    const secret = `Aa1!${process.pid}xyz`;
    const run = spawnSync(process.execPath, [script], {
      env: { PATH: process.env.PATH, BROKER_PASSWORD: secret },
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/missing MEMPHIS_API_URL, ROOT_PASSWORD, BROKER_USERNAME/);
    expect(run.stderr + run.stdout).not.toContain(secret);
  });
});
