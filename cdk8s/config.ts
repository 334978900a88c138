/**
 * The one place for environments, the producer rate and image tags.
 *
 * Everything here is read by the cdk8s app (manifests in `dist-manifests/<env>/`), by the local
 * run (`npm run local` uses the `dev` rate) and edited only by pull request — by hand, or by the
 * `set-rate` / `bump-images` scripts that the GitHub workflows call.
 */
import type { BrokerKind } from "../src/broker/port.js";

export type EnvironmentName = "dev" | "prod";
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = ["dev", "prod"];

/**
 * Producer rate in messages per second, per environment: a positive number (may be below 1,
 * e.g. 0.0083 is one message every two minutes), 0 pauses the producer.
 * Change it by pull request (`npm run set-rate -- --env dev --rate 20`).
 */
export const PRODUCER_RATE_PER_SECOND: Record<EnvironmentName, number> = {
  dev: 5,
  prod: 50,
};

/** Container images: repository and tag, bumped by the image workflow through a pull request. */
export const IMAGES = {
  producer: { repository: "ghcr.io/example-org/keda-event-pipeline/producer", tag: "0.1.0" },
  consumer: { repository: "ghcr.io/example-org/keda-event-pipeline/consumer", tag: "0.1.0" },
} as const;

/** Broker per environment: Memphis by default, as the original system. */
export const BROKER_BY_ENVIRONMENT: Record<EnvironmentName, BrokerKind> = {
  dev: "memphis",
  prod: "memphis",
};
