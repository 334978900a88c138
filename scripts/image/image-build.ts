/**
 * Build the producer and consumer images from the repository's Dockerfile with buildah, on a
 * chosen base (the image test passes the local base; CI uses the pinned digest).
 */
import { buildahBuildFlags, run, type Privilege } from "./container-cli.js";

export const APP_TARGETS = ["producer", "consumer"] as const;
export type AppTarget = (typeof APP_TARGETS)[number];

export interface ImageBuildOptions {
  readonly privilege: Privilege;
  /** Build context (the repository root). */
  readonly context: string;
  /** BASE_IMAGE build arg; the Dockerfile's pinned default when undefined. */
  readonly baseImage?: string;
  /** Tag for the images: `<repository>/<app>:<tag>`. @default "localhost/keda-event-pipeline" */
  readonly repository?: string;
  /** @default "test" */
  readonly tag?: string;
  readonly log: (line: string) => void;
}

/** Build both targets (layer cache on, so the second target reuses the shared stages); returns image names. */
export function buildAppImages(options: ImageBuildOptions): Record<AppTarget, string> {
  const images = {} as Record<AppTarget, string>;
  for (const app of APP_TARGETS) {
    const image = `${options.repository ?? "localhost/keda-event-pipeline"}/${app}:${options.tag ?? "test"}`;
    options.log(`buildah bud --target ${app} -t ${image}…`);
    run(
      [
        ...options.privilege.prefix,
        "buildah",
        "bud",
        ...buildahBuildFlags(),
        "--layers",
        ...(options.baseImage === undefined ? [] : ["--build-arg", `BASE_IMAGE=${options.baseImage}`]),
        "--target",
        app,
        "-t",
        image,
        options.context,
      ],
      { timeoutMs: 900_000 },
    );
    images[app] = image;
  }
  return images;
}
