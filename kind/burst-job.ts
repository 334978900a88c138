/**
 * The end-to-end test's burst: a Job that runs the producer Deployment's own pod template (its
 * image, its environment, its sealed credentials, its labels, so the NetworkPolicies that admit the
 * producer admit it) with a high rate and a message limit, so that the producer exits when every
 * message is stored and logs its summary.
 */

/** The parts of the producer Deployment (`kubectl get deployment producer -o json`) the Job copies. */
export interface DeploymentObject {
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: {
    readonly template: {
      readonly metadata?: {
        readonly labels?: Record<string, string>;
        readonly annotations?: Record<string, string>;
      };
      readonly spec: {
        readonly containers: readonly {
          readonly name: string;
          readonly env?: readonly { name: string; value?: string }[];
        }[];
        readonly [key: string]: unknown;
      };
    };
  };
}

export interface BurstOptions {
  /** Job name. */
  readonly name: string;
  /** Messages per second while the burst lasts. */
  readonly ratePerSecond: number;
  /** Messages in the burst: the producer exits after the last one is stored. */
  readonly messages: number;
}

/** The Job manifest (JSON, for `kubectl apply -f -`). */
export function burstJob(deployment: DeploymentObject, options: BurstOptions): Record<string, unknown> {
  if (!(options.ratePerSecond > 0)) throw new Error(`burst rate must be > 0, got ${options.ratePerSecond}`);
  if (!Number.isInteger(options.messages) || options.messages < 1)
    throw new Error(`burst messages must be a positive integer, got ${options.messages}`);
  const template = deployment.spec.template;
  const [container, ...others] = template.spec.containers;
  if (container === undefined || others.length > 0)
    throw new Error(`deployment ${deployment.metadata.name}: expected exactly one container`);
  // Explicit env entries win over envFrom (the ConfigMap's RATE_PER_SECOND), per the Kubernetes
  // container spec: "Values defined by an Env with a duplicate key will take precedence".
  const overrides = {
    RATE_PER_SECOND: String(options.ratePerSecond),
    MESSAGE_LIMIT: String(options.messages),
  };
  const env = [
    ...(container.env ?? []).filter((e) => !(e.name in overrides)),
    ...Object.entries(overrides).map(([name, value]) => ({ name, value })),
  ];
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: options.name,
      ...(deployment.metadata.namespace === undefined ? {} : { namespace: deployment.metadata.namespace }),
      labels: { "app.kubernetes.io/part-of": "e2e" },
    },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: { ...template.metadata?.labels } },
        spec: { ...template.spec, restartPolicy: "Never", containers: [{ ...container, env }] },
      },
    },
  };
}
