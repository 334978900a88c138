/**
 * The producer's settings from the committed `dist-manifests/<env>/` YAML, as the cluster starts
 * it: the Deployment's literal `env` values and those it takes from a ConfigMap
 * (`valueFrom.configMapKeyRef`, e.g. RATE_PER_SECOND from producer-config). Secret and field
 * references (credentials, INSTANCE_ID) are left out: the local run sets its own.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { appVariablesOf, type AppVariables } from "../testkit/app-env.js";
import { REPO_ROOT } from "../tooling/repo-root.js";

/** The producer's names in the synthesized output (cdk8s file naming: `<kind>-<name>.yaml`). */
export const PRODUCER_DEPLOYMENT_FILE = "deployment-producer.yaml";
const configMapFile = (name: string) => `configmap-${name}.yaml`;

export interface ProducerManifest {
  /** The files read, for the header. */
  readonly files: readonly string[];
  readonly env: AppVariables<"producer">;
}

type Yaml = Record<string, unknown>;
const object = (value: unknown): Yaml => (value !== null && typeof value === "object" ? (value as Yaml) : {});
const at = (value: unknown, ...path: string[]): unknown => path.reduce((v, key) => object(v)[key], value);

/** Read the producer's Deployment (and the ConfigMaps it refers to) of `env` from `dist-manifests/`. */
export function readProducerManifest(
  env: string,
  root: string = join(REPO_ROOT, "dist-manifests"),
): ProducerManifest {
  const dir = join(root, env);
  const files = [join(dir, PRODUCER_DEPLOYMENT_FILE)];
  const load = (file: string): unknown => {
    const path = join(dir, file);
    try {
      return parse(readFileSync(path, "utf8")) as unknown;
    } catch (error) {
      throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  };
  const deployment = load(PRODUCER_DEPLOYMENT_FILE);
  const containers = at(deployment, "spec", "template", "spec", "containers");
  const container = Array.isArray(containers) ? containers[0] : undefined;
  const values: Record<string, string> = {};
  for (const entry of (at(container, "env") as unknown[] | undefined) ?? []) {
    const name = String(at(entry, "name"));
    const value = at(entry, "value");
    const ref = at(entry, "valueFrom", "configMapKeyRef");
    if (typeof value === "string") values[name] = value;
    else if (ref !== undefined) {
      const file = configMapFile(String(at(ref, "name")));
      if (!files.includes(join(dir, file))) files.push(join(dir, file));
      const data = at(load(file), "data", String(at(ref, "key")));
      if (typeof data !== "string") throw new Error(`${join(dir, file)}: no key ${String(at(ref, "key"))}`);
      values[name] = data;
    }
  }
  return { files, env: appVariablesOf("producer", values, join(dir, PRODUCER_DEPLOYMENT_FILE)) };
}
