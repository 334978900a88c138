// Runs once before the control-plane tests: installs etcd (Debian's etcd-server) when missing and builds the
// control-plane binaries from this folder's Go module into the shared Go cache, printing how long the build took
// (minutes on a machine's first run, seconds after).
import type { TestProject } from "vitest/node";
import { ensureDebianTool } from "../../testkit/debian-tools.js";
import { ETCD } from "./etcd.js";
import { goBuild, GO_CACHE_DIR, GO_MODULE_DIR, type GoBuildResult } from "./go-build.js";
import { KUBE_APISERVER_PACKAGE } from "./kube-apiserver.js";
import type { ControlPlaneBinaries } from "./control-plane.js";

declare module "vitest" {
  export interface ProvidedContext {
    controlPlaneBinaries: ControlPlaneBinaries;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  ensureDebianTool(ETCD, (line) => console.log(line));
  const kubernetes = await build([KUBE_APISERVER_PACKAGE], GO_MODULE_DIR);
  project.provide("controlPlaneBinaries", { kubeApiServer: binary(kubernetes, KUBE_APISERVER_PACKAGE) });
}

async function build(packages: readonly string[], moduleDir: string): Promise<GoBuildResult> {
  console.log(`go build ${packages.join(" ")} (caches in ${GO_CACHE_DIR})…`);
  const result = await goBuild(packages, moduleDir);
  console.log(`go build took ${result.seconds.toFixed(1)} s (log: ${result.logFile})`);
  return result;
}

function binary(result: GoBuildResult, pkg: string): string {
  const path = result.binaries.get(pkg);
  if (path === undefined) throw new Error(`go build gave no binary for ${pkg}`);
  return path;
}
