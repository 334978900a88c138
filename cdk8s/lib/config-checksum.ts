import { createHash } from "node:crypto";

/** Pod template annotation whose change rolls a Deployment when its ConfigMap data changes. */
export const CONFIG_CHECKSUM_ANNOTATION = "checksum/config";

/** sha256 (hex) of the ConfigMap data, keys sorted, so the value depends on the data only. */
export function configChecksum(data: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(
    Object.keys(data)
      .sort()
      .map((key) => [key, data[key]]),
  );
  return createHash("sha256").update(canonical).digest("hex");
}
