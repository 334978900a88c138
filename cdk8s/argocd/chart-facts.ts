/**
 * Facts read from the upstream source of each pinned Helm chart (values keys, CRDs with their
 * sizes, generated Secrets, Services), vendored in `schemas/charts/<chart>@<version>.json` with the
 * CRDs of that version in `schemas/charts/crds/<chart>@<version>/` (see schemas/charts/FACTS.md).
 * Files are looked up by the version pinned in `HELM_CHARTS`: bumping a chart without vendoring
 * its facts and CRDs fails the checks that read them.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { HelmChartSource } from "../config.js";

/** The vendored schemas folder (SCHEMAS_DIR overrides it). */
export const SCHEMAS_DIR = resolve(process.env.SCHEMAS_DIR ?? join(import.meta.dirname, "..", "..", "schemas"));

/** A CustomResourceDefinition a chart installs, with the size client-side apply would annotate. */
export interface ChartCrd {
  readonly name: string;
  readonly kind: string;
  readonly group: string;
  readonly kubectlLastAppliedEstimateBytes: number;
  readonly overClientSideApplyLimit: boolean;
}

/** A Secret the chart templates with random or generated data. */
export interface GeneratedSecret {
  readonly name: string;
  /** When it is rendered (values that switch it on or off). */
  readonly condition: string;
  readonly lookupKeepsOldValues: boolean;
  /** The value that supplies an existing Secret instead, or null when there is none. */
  readonly existingSecretValue: string | null;
}

/** The subset of a chart-facts file the checks use. */
export interface ChartFacts {
  readonly chart: string;
  readonly version: string;
  /** Chart.yaml appVersion (nats: the nats-server the chart ships). */
  readonly appVersion?: string;
  /** Versions of servers the chart deploys by default, by component (kube-prometheus-stack: prometheus). */
  readonly deployedVersions?: Readonly<Record<string, { readonly version: string; readonly from: string }>>;
  readonly valuesKeys: readonly string[];
  readonly valuesFreeformMaps: readonly string[];
  readonly templateValuesRefs: readonly string[];
  /** Subchart values keys, by dependency name or alias (without that prefix). */
  readonly dependencyValuesKeys?: Readonly<Record<string, { readonly version: string; readonly keys: readonly string[] }>>;
  readonly crds: readonly ChartCrd[];
  readonly generatedSecrets: readonly GeneratedSecret[];
}

/** `<chart>@<version>`, the name of a chart's facts file and CRD folder. */
export function chartKey(source: HelmChartSource): string {
  return `${source.chart}@${source.version}`;
}

/** Folder of the pinned chart's CRDs, relative to the schemas folder. */
export function pinnedCrdDir(source: HelmChartSource): string {
  return `charts/crds/${chartKey(source)}`;
}

/** Read the facts of the pinned chart version; throws when they are not vendored. */
export function readChartFacts(source: HelmChartSource, schemasDir: string = SCHEMAS_DIR): ChartFacts {
  const file = join(schemasDir, "charts", `${chartKey(source)}.json`);
  if (!existsSync(file))
    throw new Error(`no chart facts for ${chartKey(source)}: vendor ${file} (and its CRDs) with the version bump`);
  return JSON.parse(readFileSync(file, "utf8")) as ChartFacts;
}
