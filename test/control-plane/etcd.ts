// A single-member etcd from Debian's etcd-server package on 127.0.0.1: free client and peer ports, a fresh data
// directory, ready when its /health endpoint answers true. Plain HTTP: it listens on loopback only and lives for
// one test run.
import { join } from "node:path";
import { ensureDebianTool } from "../../testkit/debian-tools.js";
import { freePort } from "../../testkit/nats-server.js";
import { ServerProcess, waitUntilReady } from "./server-process.js";

export const ETCD = {
  command: "etcd",
  debianPackage: "etcd-server",
  neededFor: "the control-plane tests (the kube-apiserver's storage)",
} as const;

export interface Etcd {
  readonly url: string;
  readonly process: ServerProcess;
}

/** Starts etcd with its data under `dir`/etcd and its log in `dir`/etcd.log. */
export async function startEtcd(dir: string): Promise<Etcd> {
  const binary = ensureDebianTool(ETCD);
  const clientPort = await freePort();
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const server = ServerProcess.start(
    "etcd",
    binary,
    [
      "--name=control-plane-test",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=control-plane-test=${peerUrl}`,
      "--initial-cluster-state=new",
      "--log-level=warn",
    ],
    join(dir, "etcd.log"),
  );
  await waitUntilReady(
    server,
    async () => {
      const response = await fetch(`${url}/health`);
      return ((await response.json()) as { health?: string }).health === "true";
    },
    30_000,
  );
  return { url, process: server };
}
