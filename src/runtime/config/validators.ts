/**
 * Validators beyond envalid's built-ins. Each error names the bad value (the config layer hides
 * it for secrets) and what would be valid.
 */
import { makeValidator } from "envalid";

function parseNumber(input: string): number {
  const trimmed = input.trim();
  const value = trimmed === "" ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) throw new Error(`"${input}" is not a number`);
  return value;
}

/** An integer within [min, max]. */
export function intInRange(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return makeValidator<number>((input) => {
    const value = parseNumber(input);
    if (!Number.isSafeInteger(value) || value < min || value > max)
      throw new Error(
        `"${input}" must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}`,
      );
    return value;
  });
}

/** A finite number >= min (fractions allowed). */
export function numberAtLeast(min: number) {
  return makeValidator<number>((input) => {
    const value = parseNumber(input);
    if (value < min) throw new Error(`"${input}" must be a number >= ${min}`);
    return value;
  });
}

/** A TCP port; 0 is allowed (an ephemeral port, for tests). */
export const tcpPort = makeValidator<number>((input) => {
  const value = parseNumber(input);
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new Error(`"${input}" must be a TCP port from 0 to 65535`);
  return value;
});

/** An http(s) URL without trailing slash. */
export const httpUrl = makeValidator<string>((input) => {
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    throw new Error(`"${input}" is not a URL (expected e.g. http://127.0.0.1:8222)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new Error(`"${input}" must be an http:// or https:// URL`);
  return input.replace(/\/+$/, "");
});

/** A non-empty string without whitespace. */
export const token = makeValidator<string>((input) => {
  if (input.trim() === "" || /\s/.test(input))
    throw new Error(`"${input}" must be non-empty, without spaces`);
  return input;
});
