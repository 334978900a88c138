/**
 * One snapshot per chart: any change to the synthesized objects shows up in review. Built with
 * fixed placeholder ciphertexts (test/cdk8s/fixtures/sealed/), so re-sealing does not churn them.
 * The observability objects (alert rules, dashboards) are reduced to their names here: their
 * content has its own tests in test/observability/ and changes with `npm run dashboards`.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCharts } from "../../cdk8s/synth.js";

const sealedDir = join(import.meta.dirname, "fixtures", "sealed");

/* eslint-disable @typescript-eslint/no-explicit-any */
function redactObservability(docs: any[]): any[] {
  return docs.map((doc) => {
    if (doc.kind === "PrometheusRule")
      return { ...doc, spec: { groups: doc.spec.groups.map((g: any) => g.name) } };
    if (doc.kind === "ConfigMap" && doc.metadata.labels?.grafana_dashboard !== undefined)
      return { ...doc, data: Object.keys(doc.data ?? {}) };
    return doc;
  });
}

describe.each(buildCharts({ sealedDir }))(
  "charts of $environment",
  ({ pipeline, platformSecrets, bootstrap, apps }) => {
    it("pipeline chart", () => expect(redactObservability(pipeline.toJson())).toMatchSnapshot());
    it("platform secrets chart", () => expect(platformSecrets.toJson()).toMatchSnapshot());
    it("Argo CD bootstrap chart", () => expect(bootstrap.toJson()).toMatchSnapshot());
    it("Argo CD apps chart", () => expect(apps.toJson()).toMatchSnapshot());
  },
);
