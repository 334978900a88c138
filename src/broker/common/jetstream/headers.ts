/**
 * Single-valued view of a received message's headers (the first value of a repeated key), for
 * either NATS client generation.
 */
import type { JetStreamHeaders } from "./connection.js";

/** Every header except those whose name starts with `skipPrefix` (when given). */
export function flattenHeaders(
  headers: Pick<JetStreamHeaders, "get" | "keys"> | undefined,
  skipPrefix?: string,
): Record<string, string> {
  const flat: Record<string, string> = {};
  if (!headers) return flat;
  for (const key of headers.keys())
    if (skipPrefix === undefined || !key.startsWith(skipPrefix)) flat[key] = headers.get(key);
  return flat;
}
