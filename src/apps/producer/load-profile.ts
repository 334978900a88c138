/**
 * LOAD_PROFILE grammar, parsed into a `RateProfile` (see `rate-profile.ts`).
 *
 * | form | meaning |
 * | --- | --- |
 * | `constant` or `constant:R` | R msg/s forever (R defaults to RATE_PER_SECOND) |
 * | `steps:R1@D1,R2@D2,…` | R1 for D1, then R2 for D2, …, then the cycle repeats |
 * | `ramp:A..B@D` | linear from A to B over D, then B forever |
 * | `wave:M±A@P` (or `M+-A@P`) | sine around M with amplitude A (A <= M) and period P |
 * | `burst:RxD/P` | RATE_PER_SECOND, except R for the first D of every period P (D < P) |
 *
 * Rates are msg/s (>= 0, fractions allowed); durations are a number with a unit: `ms`, `s`, `m`
 * or `h` (e.g. `500ms`, `30s`, `2m`).
 */
import { constantProfile, type RateProfile, type Segment } from "./rate-profile.js";

export const LOAD_PROFILE_KINDS = ["constant", "steps", "ramp", "wave", "burst"] as const;

export class LoadProfileError extends Error {
  override readonly name = "LoadProfileError";
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const NUMBER = String.raw`\d+(?:\.\d+)?`;

function parseRate(text: string, what: string): number {
  if (!new RegExp(`^${NUMBER}$`).test(text))
    throw new LoadProfileError(`${what} "${text}" is not a rate (msg/s >= 0)`);
  return Number(text);
}

function parseDuration(text: string, what: string): number {
  const match = new RegExp(`^(${NUMBER})(ms|s|m|h)$`).exec(text);
  if (!match) throw new LoadProfileError(`${what} "${text}" is not a duration like 500ms, 30s, 2m, 1h`);
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  if (!(seconds > 0)) throw new LoadProfileError(`${what} "${text}" must be longer than 0`);
  return seconds;
}

function linear(duration: number, from: number, to = from): Segment {
  return { kind: "linear", duration, from, to };
}

/**
 * Parse `text` (a LOAD_PROFILE value); `baseRate` is RATE_PER_SECOND. Throws `LoadProfileError`
 * saying what is wrong.
 */
export function parseLoadProfile(text: string, baseRate: number): RateProfile {
  const source = text.trim();
  const colon = source.indexOf(":");
  const kind = colon < 0 ? source : source.slice(0, colon);
  const body = colon < 0 ? "" : source.slice(colon + 1).replace(/\s+/g, "");
  switch (kind) {
    case "constant":
      return constantProfile(body === "" ? baseRate : parseRate(body, "rate"), source);
    case "steps": {
      if (body === "") throw new LoadProfileError(`steps needs R@D,… e.g. "steps:10@30s,100@60s"`);
      const segments = body.split(",").map((step) => {
        const [rate, duration, extra] = step.split("@");
        if (rate === undefined || duration === undefined || extra !== undefined)
          throw new LoadProfileError(`step "${step}" must be RATE@DURATION, e.g. 10@30s`);
        return linear(parseDuration(duration, "step duration"), parseRate(rate, "step rate"));
      });
      return { description: source, segments };
    }
    case "ramp": {
      const match = /^([^.]+)\.\.([^@]+)@(.+)$/.exec(body);
      if (!match) throw new LoadProfileError(`ramp must be A..B@D, e.g. "ramp:1..200@120s"`);
      const from = parseRate(match[1]!, "ramp start");
      const to = parseRate(match[2]!, "ramp end");
      return {
        description: source,
        segments: [linear(parseDuration(match[3]!, "ramp duration"), from, to), linear(Infinity, to)],
      };
    }
    case "wave": {
      const match = /^([^±+]+)(?:±|\+-)([^@]+)@(.+)$/.exec(body);
      if (!match) throw new LoadProfileError(`wave must be M±A@P (or M+-A@P), e.g. "wave:50±40@60s"`);
      const mean = parseRate(match[1]!, "wave mean");
      const amplitude = parseRate(match[2]!, "wave amplitude");
      const period = parseDuration(match[3]!, "wave period");
      if (amplitude > mean)
        throw new LoadProfileError(
          `wave amplitude ${amplitude} must not exceed the mean ${mean} (rates >= 0)`,
        );
      return { description: source, segments: [{ kind: "sine", duration: period, mean, amplitude, period }] };
    }
    case "burst": {
      const match = /^([^x]+)x([^/]+)\/(.+)$/.exec(body);
      if (!match) throw new LoadProfileError(`burst must be RxD/P, e.g. "burst:500x2s/30s"`);
      const rate = parseRate(match[1]!, "burst rate");
      const duration = parseDuration(match[2]!, "burst length");
      const period = parseDuration(match[3]!, "burst period");
      if (duration >= period)
        throw new LoadProfileError(`burst length ${match[2]} must be shorter than its period ${match[3]}`);
      return { description: source, segments: [linear(duration, rate), linear(period - duration, baseRate)] };
    }
    default:
      throw new LoadProfileError(`"${kind}" is not a profile; use one of ${LOAD_PROFILE_KINDS.join(", ")}`);
  }
}
