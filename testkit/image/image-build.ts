/**
 * Build the producer and consumer images from the repository's Dockerfile with buildah, on a
 * chosen base (the image test passes the local base; CI uses the pinned digest), for one broker:
 * the Dockerfile's BROKER build argument decides whether the Memphis SDK is in the image.
 */
import type { BrokerKind } from "../../src/broker/port.js";
import { buildahBuildFlags, runStreaming, type Privilege } from "./container-cli.js";

export const APP_TARGETS = ["producer", "consumer"] as const;
export type AppTarget = (typeof APP_TARGETS)[number];

export interface ImageBuildOptions {
  readonly privilege: Privilege;
  /** Build context (the repository root). */
  readonly context: string;
  /** BROKER build arg: which broker SDK the images carry. */
  readonly broker: BrokerKind;
  /** BASE_IMAGE build arg; the Dockerfile's pinned default when undefined. */
  readonly baseImage?: string;
  /** Tag for the images: `<repository>/<app>:<tag>`. @default "localhost/keda-event-pipeline" */
  readonly repository?: string;
  /** @default "test" */
  readonly tag?: string;
  /** Receives buildah's output line by line while it builds. */
  readonly log: (line: string) => void;
}

/** Build both targets (layer cache on, so the second target reuses the shared stages); returns image names. */
export async function buildAppImages(options: ImageBuildOptions): Promise<Record<AppTarget, string>> {
  const images = {} as Record<AppTarget, string>;
  for (const app of APP_TARGETS) {
    const image = `${options.repository ?? "localhost/keda-event-pipeline"}/${app}:${options.tag ?? "test"}`;
    options.log(`buildah bud --target ${app} --build-arg BROKER=${options.broker} -t ${image}…`);
    await runStreaming(
      [
        ...options.privilege.prefix,
        "buildah",
        "bud",
        ...buildahBuildFlags(),
        "--layers",
        "--build-arg",
        `BROKER=${options.broker}`,
        ...(options.baseImage === undefined ? [] : ["--build-arg", `BASE_IMAGE=${options.baseImage}`]),
        "--target",
        app,
        "-t",
        image,
        options.context,
      ],
      { log: options.log, timeoutMs: 900_000 },
    );
    images[app] = image;
  }
  return images;
}
