/** Kubernetes labels shared by every object of the pipeline, pinned (a Deployment selector is immutable). */

/** `app.kubernetes.io/part-of` of every object. */
export const PART_OF = "event-pipeline";

/** The two applications of the pipeline. */
export type AppName = "producer" | "consumer";

/** Labels that select the pods of one application: used by Deployment selectors, Services, policies, PDBs. */
export function selectorLabels(app: AppName): Record<string, string> {
  return { "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": PART_OF };
}

/** Labels of an object that belongs to `app` in the role `component` (e.g. "provisioning"). */
export function objectLabels(app: AppName, component?: string): Record<string, string> {
  return {
    ...selectorLabels(app),
    ...(component === undefined ? {} : { "app.kubernetes.io/component": component }),
  };
}
