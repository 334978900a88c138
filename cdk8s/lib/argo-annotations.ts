/** Argo CD annotations used by the pipeline's objects: sync waves and hooks. */

/** Sync waves inside the pipeline Application: secrets/config, then provisioning, then the apps. */
export const SYNC_WAVE = {
  /** Namespace-level objects, credentials, config, services, policies. */
  config: 0,
  /** The provisioning Job (stream/station + durable consumer group). */
  provisioning: 1,
  /** Producer, consumer, their autoscaler and monitors. */
  apps: 2,
} as const;

export function syncWave(wave: number): Record<string, string> {
  return { "argocd.argoproj.io/sync-wave": String(wave) };
}
