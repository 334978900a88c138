/**
 * The kind path's progress verdict, on `kubectl get applications -o json` fixtures that are
 * validated against the vendored Argo CD Application CRD schema (so their status fields are the
 * ones Argo CD writes), for each state the command acts on.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applicationNames } from "../../kind/environment-files.js";
import { evaluateProgress, progressLines } from "../../kind/progress.js";
import { validateDocument } from "../support/schemas.js";

const fixture = (name: string): string =>
  readFileSync(join(import.meta.dirname, "fixtures", `${name}.json`), "utf8");
const FIXTURES = ["healthy", "needs-sealing", "progressing", "failing"].map((n) => `applications-${n}`);
const expected = applicationNames("dev");

describe("Application progress", () => {
  it.each(FIXTURES)("%s: every item is a valid Application (CRD schema)", (name) => {
    const items = (JSON.parse(fixture(name)) as { items: { apiVersion: string; kind: string }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(validateDocument(item)).toEqual([]);
  });

  it("the expected Applications are the root and every child the synth wrote for the environment", () => {
    expect(expected[0]).toBe("event-pipeline-root");
    expect(expected).toEqual(
      expect.arrayContaining(["sealed-secrets", "platform-secrets", "event-pipeline", "memphis"]),
    );
    expect(applicationNames("prod")).toContain("nats");
  });

  it("healthy when every expected Application is Synced and Healthy", () => {
    const progress = evaluateProgress(fixture("applications-healthy"), expected);
    expect(progress.state).toBe("healthy");
    expect(progress.summary).toBe(`${expected.length}/${expected.length} Applications Synced and Healthy`);
  });

  it("negative control: one Application not in the list is not healthy (it is Missing)", () => {
    const progress = evaluateProgress(fixture("applications-healthy"), [...expected, "extra"]);
    expect(progress.state).toBe("progressing");
    expect(progress.applications.at(-1)).toMatchObject({ name: "extra", sync: "Missing", health: "Missing" });
  });

  it("needs-sealing when a SealedSecret cannot be decrypted with the cluster's key", () => {
    const progress = evaluateProgress(fixture("applications-needs-sealing"), expected);
    expect(progress.state).toBe("needs-sealing");
    expect(progress.summary).toMatch(/seal them with this cluster's certificate/);
    expect(progress.applications.find((a) => a.name === "platform-secrets")?.detail).toBe(
      "SealedSecret monitoring/grafana-admin: no key could decrypt secret (admin-password, admin-user)",
    );
  });

  it("failing on an error condition or a failed sync, with the first line of its message", () => {
    const progress = evaluateProgress(fixture("applications-failing"), expected);
    expect(progress.state).toBe("failing");
    expect(progress.applications.find((a) => a.name === "loki")?.detail).toBe(
      "ComparisonError: Failed to load target state: chart loki 6.24.0 not found",
    );
  });

  it("progressing names the first unfinished Application in wave order and the resource it waits for", () => {
    const progress = evaluateProgress(fixture("applications-progressing"), expected);
    expect(progress.state).toBe("progressing");
    expect(progress.applications.map((a) => a.name).slice(0, 2)).toEqual([
      "sealed-secrets",
      "event-pipeline-root",
    ]);
    expect(progress.summary).toMatch(/waiting for sealed-secrets \(OutOfSync\/Missing\)/);
    expect(progress.applications[0]?.detail).toBe("Deployment kube-system/sealed-secrets-controller Missing");
    const lines = progressLines(progress);
    expect(lines.at(-1)).toBe(progress.summary);
    expect(lines).toHaveLength(expected.length + 1);
  });

  it("an Application without status yet is Unknown, not healthy", () => {
    const list = JSON.stringify({ items: [{ metadata: { name: "a" } }] });
    expect(evaluateProgress(list, ["a"]).applications[0]).toMatchObject({
      sync: "Unknown",
      health: "Unknown",
    });
  });
});
