/**
 * How to build an image the manifests reference, locally, for `kind load`: the Dockerfile target is
 * the app (the last path segment) and the `BROKER` build argument the tag's suffix, as the images
 * workflow tags them (`<tag>-<broker>`, cdk8s/config.ts imageReference()).
 */
import type { BrokerKind } from "../src/broker/port.js";
import { BROKER_KINDS } from "../src/runtime/config/common-contract.js";

export interface ImageBuild {
  readonly image: string;
  /** Dockerfile target. */
  readonly target: string;
  readonly broker: BrokerKind;
}

export function imageBuild(image: string): ImageBuild {
  const match = /^(?:.*\/)?([a-z0-9-]+):([A-Za-z0-9_][A-Za-z0-9._-]*)$/.exec(image);
  if (match === null) throw new Error(`image ${image}: expected <repository>/<app>:<tag>-<broker>`);
  const [, target = "", tag = ""] = match;
  const broker = BROKER_KINDS.find((b) => tag.endsWith(`-${b}`));
  if (broker === undefined)
    throw new Error(`image ${image}: the tag does not end in -<broker> (${BROKER_KINDS.join(", ")})`);
  return { image, target, broker };
}
