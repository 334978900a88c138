/**
 * Strict JSON Schemas for every kind the manifests use, vendored in `schemas/` (SCHEMAS_DIR overrides):
 *  - built-in kinds: `kubernetes/v1.29.0-standalone-strict/<kind>[-<group>]-<version>.json`, or when
 *    that file is missing, derived from `kubernetes/swagger-release-1.29.json` the same way
 *    ($ref inlined, additionalProperties: false, int-or-string as string|integer);
 *  - custom resources: the CRD's openAPIV3Schema made strict, from the CRDs of the chart versions
 *    pinned in `HELM_CHARTS` (`schemas/charts/crds/<chart>@<version>/`, what those charts install)
 *    and Argo CD's own (`schemas/crds/argo-cd/`); (additionalProperties: false on every
 *    object with properties, unless it preserves unknown fields) with a strict ObjectMeta.
 * A kind without a schema has no validator: `validatorFor` throws.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Ajv } from "ajv";
import type { ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { parseAllDocuments } from "yaml";
import { pinnedCrdDir } from "../../cdk8s/argocd/chart-facts.js";
import { HELM_CHARTS } from "../../cdk8s/config.js";

export const SCHEMAS_DIR = resolve(
  process.env.SCHEMAS_DIR ?? join(import.meta.dirname, "..", "..", "schemas"),
);
const STANDALONE = join(SCHEMAS_DIR, "kubernetes", "v1.29.0-standalone-strict");
const SWAGGER = join(SCHEMAS_DIR, "kubernetes", "swagger-release-1.29.json");
/** CRD folders: Argo CD's, and each pinned chart's that ships CRDs. */
const CRD_DIRS = [
  join(SCHEMAS_DIR, "crds", "argo-cd"),
  ...Object.values(HELM_CHARTS)
    .map((chart) => join(SCHEMAS_DIR, pinnedCrdDir(chart)))
    .filter((dir) => existsSync(dir)),
];

type Schema = Record<string, unknown>;

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return { group: group ?? "", version: version ?? "" };
}

/** Make a schema strict: additionalProperties false where properties are listed; int-or-string both ways. */
export function makeStrict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(makeStrict);
  if (schema === null || typeof schema !== "object") return schema;
  const s = { ...(schema as Schema) };
  for (const key of ["properties", "patternProperties", "definitions"]) {
    if (s[key] && typeof s[key] === "object")
      s[key] = Object.fromEntries(Object.entries(s[key] as Schema).map(([k, v]) => [k, makeStrict(v)]));
  }
  for (const key of ["items", "additionalProperties", "not"])
    if (typeof s[key] === "object") s[key] = makeStrict(s[key]);
  for (const key of ["allOf", "anyOf", "oneOf"])
    if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map(makeStrict);
  if (s["x-kubernetes-int-or-string"] === true || s.format === "int-or-string") {
    delete s.type;
    delete s.format;
    s.anyOf = [{ type: "string" }, { type: "integer" }];
  }
  if (
    s.properties &&
    s.additionalProperties === undefined &&
    s["x-kubernetes-preserve-unknown-fields"] !== true
  )
    s.additionalProperties = false;
  return s;
}

let swagger: { definitions: Record<string, Schema> } | undefined;
function swaggerDefinitions(): Record<string, Schema> {
  swagger ??= JSON.parse(readFileSync(SWAGGER, "utf8")) as { definitions: Record<string, Schema> };
  return swagger.definitions;
}

/** Inline every `#/definitions/...` $ref of a swagger definition (depth-bounded for recursive types). */
function inline(schema: unknown, depth = 0): unknown {
  if (Array.isArray(schema)) return schema.map((v) => inline(v, depth));
  if (schema === null || typeof schema !== "object") return schema;
  const s = schema as Schema;
  if (typeof s.$ref === "string") {
    if (depth > 40) return {};
    const name = s.$ref.replace("#/definitions/", "");
    const target = swaggerDefinitions()[name];
    if (target === undefined) throw new Error(`swagger: unknown $ref ${s.$ref}`);
    return inline(target, depth + 1);
  }
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, inline(v, depth)]));
}

/** Strict schema of a built-in kind derived from the swagger document. */
export function schemaFromSwagger(group: string, version: string, kind: string): Schema | undefined {
  for (const definition of Object.values(swaggerDefinitions())) {
    const gvks = (definition["x-kubernetes-group-version-kind"] ?? []) as {
      group: string;
      version: string;
      kind: string;
    }[];
    if (!gvks.some((g) => g.group === group && g.version === version && g.kind === kind)) continue;
    const strict = makeStrict(inline(definition)) as Schema;
    const properties: Schema = { ...(strict.properties as Schema) };
    properties.apiVersion = { type: "string", enum: [group === "" ? version : `${group}/${version}`] };
    properties.kind = { type: "string", enum: [kind] };
    const required = new Set([...((strict.required as string[] | undefined) ?? []), "apiVersion", "kind"]);
    return { ...strict, properties, required: [...required] };
  }
  return undefined;
}

function standaloneFile(group: string, version: string, kind: string): string {
  const groupPart = group === "" ? "" : `-${group.split(".")[0]}`;
  return join(STANDALONE, `${kind.toLowerCase()}${groupPart}-${version}.json`);
}

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema?: { openAPIV3Schema?: Schema } }[];
  };
}

let crdSchemas: Map<string, Schema> | undefined;
function crdSchema(group: string, version: string, kind: string): Schema | undefined {
  if (crdSchemas === undefined) {
    crdSchemas = new Map();
    const objectMeta = makeStrict(
      inline({ $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }),
    );
    for (const dir of CRD_DIRS) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
        for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
          const crd = doc.toJS() as Crd | null;
          if (crd?.spec?.versions === undefined) continue;
          for (const v of crd.spec.versions) {
            const raw = v.schema?.openAPIV3Schema;
            if (raw === undefined) continue;
            const strict = makeStrict(raw) as Schema;
            const properties: Schema = { ...(strict.properties as Schema), metadata: objectMeta };
            properties.apiVersion = { type: "string", enum: [`${crd.spec.group}/${v.name}`] };
            properties.kind = { type: "string", enum: [crd.spec.names.kind] };
            const required = new Set([
              ...((strict.required as string[] | undefined) ?? []),
              "apiVersion",
              "kind",
            ]);
            crdSchemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, {
              ...strict,
              properties,
              required: [...required],
              additionalProperties: false,
            });
          }
        }
      }
    }
  }
  return crdSchemas.get(`${group}/${version}/${kind}`);
}

/** Where a kind's schema came from (for reports). */
export type SchemaSource = "standalone-strict" | "swagger-derived" | "crd";

/** Find the strict schema of apiVersion/kind, or undefined when there is none. */
export function findSchema(
  apiVersion: string,
  kind: string,
): { schema: Schema; source: SchemaSource } | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  const file = standaloneFile(group, version, kind);
  if (existsSync(file))
    return { schema: JSON.parse(readFileSync(file, "utf8")) as Schema, source: "standalone-strict" };
  const crd = crdSchema(group, version, kind);
  if (crd !== undefined) return { schema: crd, source: "crd" };
  const derived = existsSync(SWAGGER) ? schemaFromSwagger(group, version, kind) : undefined;
  if (derived !== undefined) return { schema: derived, source: "swagger-derived" };
  return undefined;
}

/** CRD patterns are Go RE2: an inline `(?i)` (used at the pattern's start) becomes the JavaScript "i" flag. */
function re2Compatible(pattern: string, flags: string): RegExp {
  return pattern.includes("(?i)")
    ? new RegExp(pattern.replaceAll("(?i)", ""), `${flags}i`)
    : new RegExp(pattern, flags);
}
re2Compatible.code = "re2Compatible";

const ajv = new Ajv({
  strict: false,
  allErrors: true,
  validateFormats: true,
  code: { regExp: re2Compatible },
});
// ajv-formats is CommonJS: under NodeNext its default import is the module object.
type FormatsPlugin = (instance: Ajv) => Ajv;
const plugin = addFormatsPlugin as unknown as FormatsPlugin & { default?: FormatsPlugin };
(plugin.default ?? plugin)(ajv);
ajv.addFormat("int32", {
  type: "number",
  validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
});
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
ajv.addFormat("double", { type: "number", validate: () => true });
ajv.addFormat("byte", /^[A-Za-z0-9+/]*={0,2}$/);

const validators = new Map<string, ValidateFunction>();

/** A compiled validator for apiVersion/kind; throws when no schema exists for it. */
export function validatorFor(apiVersion: string, kind: string): ValidateFunction {
  const key = `${apiVersion}/${kind}`;
  const cached = validators.get(key);
  if (cached !== undefined) return cached;
  const found = findSchema(apiVersion, kind);
  if (found === undefined) throw new Error(`no schema for ${apiVersion} ${kind} in ${SCHEMAS_DIR}`);
  const { $schema: _ignored, ...schema } = found.schema;
  const validate = ajv.compile(schema);
  validators.set(key, validate);
  return validate;
}

/** Validation errors of one document as readable lines (empty when valid). */
export function validateDocument(doc: { apiVersion: string; kind: string }): string[] {
  const validate = validatorFor(doc.apiVersion, doc.kind);
  if (validate(doc)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
  );
}
