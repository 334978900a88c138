// A fresh control plane for one test file: certificates, etcd and kube-apiserver in a new temporary directory,
// stopped by PID (API server first, then its etcd) and the directory removed.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeApiClient } from "./api-client.js";
import { startEtcd, type Etcd } from "./etcd.js";
import { startKubeApiServer, type KubeApiServer } from "./kube-apiserver.js";
import { generatePki, type ControlPlanePki } from "./pki.js";

export interface ControlPlaneBinaries {
  readonly kubeApiServer: string;
}

export class ControlPlane {
  private constructor(
    /** Where its certificates, data and logs are. */
    readonly dir: string,
    readonly pki: ControlPlanePki,
    readonly etcd: Etcd,
    readonly apiServer: KubeApiServer,
  ) {}

  /** A client with the admin identity. */
  get admin(): KubeApiClient {
    return this.apiServer.admin;
  }

  static async start(binaries: ControlPlaneBinaries): Promise<ControlPlane> {
    const dir = await mkdtemp(join(tmpdir(), "control-plane-"));
    const pki = generatePki(dir);
    const etcd = await startEtcd(dir);
    try {
      const apiServer = await startKubeApiServer(binaries.kubeApiServer, etcd, pki, dir);
      return new ControlPlane(dir, pki, etcd, apiServer);
    } catch (error) {
      await etcd.process.stop();
      throw error;
    }
  }

  /** Stops the API server, then etcd; removes the directory unless `keep` (to read the logs of a failure). */
  async stop(keep = false): Promise<void> {
    this.apiServer.admin.close();
    await this.apiServer.process.stop();
    await this.etcd.process.stop();
    if (!keep) await rm(this.dir, { recursive: true, force: true });
  }
}
