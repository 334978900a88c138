/**
 * Pod Security Standard "restricted", as cdk8s-plus props: non-root numeric user 10001, no privilege
 * escalation, all capabilities dropped, RuntimeDefault seccomp, read-only root filesystem with a
 * writable emptyDir at /tmp (Node needs it).
 */
import { Size } from "cdk8s";
import * as kplus from "cdk8s-plus-29";
import type { ContainerResources } from "../config.js";

/** The image's non-root user (Dockerfile `USER 10001`). */
export const APP_UID = 10001;

export const RESTRICTED_POD_SECURITY: kplus.PodSecurityContextProps = {
  ensureNonRoot: true,
  user: APP_UID,
  group: APP_UID,
  fsGroup: APP_UID,
  fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
};

export const RESTRICTED_CONTAINER_SECURITY: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  user: APP_UID,
  group: APP_UID,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};

/** Container resources in cdk8s-plus form. */
export function containerResources(r: ContainerResources): kplus.ContainerResources {
  return {
    cpu: { request: kplus.Cpu.millis(r.cpuRequestMillis), limit: kplus.Cpu.millis(r.cpuLimitMillis) },
    memory: {
      request: Size.mebibytes(r.memoryRequestMebibytes),
      limit: Size.mebibytes(r.memoryLimitMebibytes),
    },
  };
}

/** Mount a memory-backed-limit emptyDir at /tmp, the only writable path. */
export function mountTmp(scope: kplus.AbstractPod, container: kplus.Container): void {
  const tmp = kplus.Volume.fromEmptyDir(scope, "tmp", "tmp", { sizeLimit: Size.mebibytes(64) });
  container.mount("/tmp", tmp);
}
