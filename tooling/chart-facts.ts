/**
 * Derive a chart's facts file (schemas/charts/FACTS.md) from its source, a chart directory as
 * Helm packages it: Chart.yaml (name, version, appVersion, kubeVersion, deprecated, dependencies),
 * values.yaml (every key path, the empty maps), the literal `.Values.<path>` references of
 * templates/ and files/, and every CustomResourceDefinition under crds/ and templates/ with its
 * sizes. Templated CRD files are rendered the way the vendored ones are: lines that are only a
 * template action are dropped and an inline action becomes `rendered`, so the schema is exact and
 * only labels and annotations differ from what Helm installs. What needs a renderer (Services,
 * generated Secrets, names) is carried from the previous version's facts and listed for review.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse, parseAllDocuments } from "yaml";

/** The last-applied annotation limit of client-side apply (all annotations of an object). */
export const CLIENT_SIDE_APPLY_LIMIT = 262_144;

/** Facts that need a rendered chart; carried from the previous version and reported for review. */
export const CARRIED_FIELDS = [
  "generatedSecrets",
  "runtimeSecrets",
  "services",
  "servicesDisabledByDefault",
  "fullnameOverride",
  "statefulSets",
  "deployedVersions",
  "rbac",
] as const;

export interface DerivedCrd {
  readonly name: string;
  readonly kind: string;
  readonly group: string;
  readonly versions: readonly { name: string; served: boolean; storage: boolean }[];
  readonly scope: string;
  /** Path inside the chart directory. */
  readonly file: string;
  /** Whether the upstream file is a template (rendered for the vendored copy). */
  readonly templated: boolean;
  readonly compactJsonBytes: number;
  readonly kubectlLastAppliedEstimateBytes: number;
  readonly overClientSideApplyLimit: boolean;
  readonly measuredAs: string;
}

/** One CRD ready to vendor: its file name and the (rendered) YAML text. */
export interface VendoredCrd {
  readonly fileName: string;
  readonly text: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function walkFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walkFiles(path) : [path];
  });
}

/** Helm `--set` style key: a dot inside a key is escaped. */
function keyPart(key: string): string {
  return key.replace(/\./g, "\\.");
}

/** Every key path of a values tree: leaves and intermediate maps; an array ends the path (`key[]`). */
export function valuesKeys(values: Json, prefix = ""): { keys: string[]; freeformMaps: string[] } {
  const keys: string[] = [];
  const freeformMaps: string[] = [];
  if (values === null || typeof values !== "object" || Array.isArray(values)) return { keys, freeformMaps };
  for (const [key, value] of Object.entries(values)) {
    const path = prefix === "" ? keyPart(key) : `${prefix}.${keyPart(key)}`;
    if (Array.isArray(value)) {
      keys.push(`${path}[]`);
      continue;
    }
    keys.push(path);
    if (value !== null && typeof value === "object") {
      if (Object.keys(value).length === 0) freeformMaps.push(path);
      const nested = valuesKeys(value, path);
      keys.push(...nested.keys);
      freeformMaps.push(...nested.freeformMaps);
    }
  }
  return { keys: keys.sort(), freeformMaps: freeformMaps.sort() };
}

/** Literal `.Values.<path>` references in template text (paths reached through variables are not). */
export function templateValuesRefs(texts: readonly string[]): string[] {
  const refs = new Set<string>();
  for (const text of texts)
    for (const match of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)/g))
      refs.add(match[1]!.slice(1));
  return [...refs].sort();
}

/** Render a templated CRD file for its schema: drop action-only lines, replace inline actions. */
export function renderTemplatedYaml(text: string): string {
  const lines = text.split("\n").filter((line) => !/^\s*\{\{-?[\s\S]*?-?\}\}\s*$/.test(line));
  return lines.map((line) => line.replace(/\{\{-?[\s\S]*?-?\}\}/g, "rendered")).join("\n");
}

/** Sizes as FACTS.md measures them. */
export function crdSizes(
  document: Json,
): Pick<DerivedCrd, "compactJsonBytes" | "kubectlLastAppliedEstimateBytes" | "overClientSideApplyLimit"> {
  const compact = JSON.stringify(document);
  const compactJsonBytes = Buffer.byteLength(compact, "utf8");
  const escaped = compact.replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
  const kubectlLastAppliedEstimateBytes = Buffer.byteLength(escaped, "utf8") + 1;
  return {
    compactJsonBytes,
    kubectlLastAppliedEstimateBytes,
    overClientSideApplyLimit: kubectlLastAppliedEstimateBytes > CLIENT_SIDE_APPLY_LIMIT,
  };
}

interface CrdDocument {
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    group?: string;
    scope?: string;
    names?: { kind?: string };
    versions?: { name: string; served: boolean; storage: boolean }[];
  };
}

/** CRDs of the chart (and of subcharts under charts/): their facts and the files to vendor. */
export function chartCrds(chartDir: string): { crds: DerivedCrd[]; vendored: VendoredCrd[] } {
  const crds: DerivedCrd[] = [];
  const vendored: VendoredCrd[] = [];
  for (const path of walkFiles(chartDir)) {
    if (!/\.ya?ml$/.test(path)) continue;
    const file = relative(chartDir, path);
    const inCrdsDir = /(^|\/)crds\//.test(file);
    const inTemplates = /(^|\/)templates\//.test(file);
    if (!inCrdsDir && !inTemplates) continue;
    const raw = readFileSync(path, "utf8");
    if (!/kind:\s*CustomResourceDefinition/.test(raw)) continue;
    // Helm installs crds/ verbatim; templates/ go through the renderer.
    const templated = !(inCrdsDir && !inTemplates) && raw.includes("{{");
    const text = templated ? renderTemplatedYaml(raw) : raw;
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJS() as CrdDocument | null;
      if (crd?.kind !== "CustomResourceDefinition" || crd.metadata?.name === undefined) continue;
      crds.push({
        name: crd.metadata.name,
        kind: crd.spec?.names?.kind ?? "",
        group: crd.spec?.group ?? "",
        versions: (crd.spec?.versions ?? []).map((v) => ({
          name: v.name,
          served: v.served,
          storage: v.storage,
        })),
        scope: crd.spec?.scope ?? "",
        file,
        templated,
        ...crdSizes(crd as Json),
        measuredAs: templated ? "rendered (template actions removed)" : "as stored",
      });
    }
    vendored.push({ fileName: file.split("/").pop()!, text: text.endsWith("\n") ? text : `${text}\n` });
  }
  return { crds: crds.sort((a, b) => a.name.localeCompare(b.name)), vendored };
}

interface ChartYaml {
  name?: string;
  version?: string;
  appVersion?: string;
  kubeVersion?: string;
  deprecated?: boolean;
  dependencies?: { name: string; version: string; condition?: string; alias?: string; repository?: string }[];
}

/** Everything derivable from the chart directory, in the facts file's field order. */
export function deriveChartFacts(chartDir: string): {
  facts: Record<string, unknown>;
  vendored: VendoredCrd[];
} {
  const chart = parse(readFileSync(join(chartDir, "Chart.yaml"), "utf8")) as ChartYaml;
  if (chart.name === undefined || chart.version === undefined)
    throw new Error(`${join(chartDir, "Chart.yaml")} has no name or version`);
  const values = (parse(readFileSync(join(chartDir, "values.yaml"), "utf8")) ?? {}) as Json;
  const { keys, freeformMaps } = valuesKeys(values);
  const templateTexts = [
    ...walkFiles(join(chartDir, "templates")),
    ...walkFiles(join(chartDir, "files")),
  ].map((path) => readFileSync(path, "utf8"));
  const { crds, vendored } = chartCrds(chartDir);
  // Subcharts shipped in charts/ (a packaged chart has them all): their values keys, by name.
  const dependencyValuesKeys: Record<string, { version: string; keys: string[] }> = {};
  for (const dependency of chart.dependencies ?? []) {
    const dir = join(chartDir, "charts", dependency.name);
    let sub: ChartYaml;
    try {
      sub = parse(readFileSync(join(dir, "Chart.yaml"), "utf8")) as ChartYaml;
    } catch {
      continue;
    }
    const subValues = (parse(readFileSync(join(dir, "values.yaml"), "utf8")) ?? {}) as Json;
    dependencyValuesKeys[dependency.alias ?? dependency.name] = {
      version: sub.version ?? dependency.version,
      keys: valuesKeys(subValues).keys,
    };
  }
  return {
    facts: {
      chart: chart.name,
      version: chart.version,
      appVersion: chart.appVersion,
      kubeVersion: chart.kubeVersion ?? null,
      deprecatedInChartYaml: chart.deprecated === true,
      dependencies: (chart.dependencies ?? []).map((d) => ({
        name: d.name,
        version: d.version,
        condition: d.condition ?? null,
        alias: d.alias ?? null,
        repository: d.repository ?? null,
      })),
      valuesKeys: keys,
      valuesFreeformMaps: freeformMaps,
      templateValuesRefs: templateValuesRefs(templateTexts),
      ...(Object.keys(dependencyValuesKeys).length > 0 ? { dependencyValuesKeys } : {}),
      crds,
    },
    vendored,
  };
}

/**
 * The new facts: the derived fields, then every carried field of `previous` (same chart), and the
 * source block given by the caller. Returns the fields carried, for review.
 */
export function mergeWithPrevious(
  derived: Record<string, unknown>,
  previous: Record<string, unknown> | undefined,
  source: Record<string, unknown> | undefined,
): { facts: Record<string, unknown>; carried: string[] } {
  const facts: Record<string, unknown> = {
    chart: derived.chart,
    version: derived.version,
    ...(source === undefined ? {} : { source }),
    ...derived,
  };
  const carried: string[] = [];
  if (previous !== undefined) {
    if (previous.chart !== derived.chart)
      throw new Error(`previous facts are of chart ${String(previous.chart)}, not ${String(derived.chart)}`);
    for (const field of CARRIED_FIELDS)
      if (field in previous) {
        facts[field] = previous[field];
        carried.push(field);
      }
    facts.carriedFrom = `${String(previous.chart)}@${String(previous.version)}`;
  }
  return { facts, carried };
}
