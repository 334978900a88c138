// Runs once before the control-plane tests: installs etcd (Debian's etcd-server) when missing and builds the
// control-plane binaries from this folder's Go module into the shared Go cache, printing how long the build took
// (minutes on a machine's first run, seconds after).
import type { TestProject } from "vitest/node";
import { ensureDebianTool } from "../../scripts/lib/debian-tools.js";
import { ETCD } from "./etcd.js";
import { goBuild } from "./go-build.js";
import { KUBE_APISERVER_PACKAGE } from "./kube-apiserver.js";
import type { ControlPlaneBinaries } from "./control-plane.js";

declare module "vitest" {
  export interface ProvidedContext {
    controlPlaneBinaries: ControlPlaneBinaries;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  ensureDebianTool(ETCD, (line) => console.log(line));
  console.log(`go build ${KUBE_APISERVER_PACKAGE} (Go caches: test/control-plane/go-build.ts)…`);
  const build = await goBuild([KUBE_APISERVER_PACKAGE]);
  console.log(`go build took ${build.seconds.toFixed(1)} s (log: ${build.logFile})`);
  const kubeApiServer = build.binaries.get(KUBE_APISERVER_PACKAGE);
  if (kubeApiServer === undefined) throw new Error("go build gave no kube-apiserver");
  project.provide("controlPlaneBinaries", { kubeApiServer });
}
