/**
 * Lowest release of each package that memphis-dev 1.3.2 pulls into the production tree (through
 * NestJS 9 and Express 4) that fixes every published advisory we could read, per major line.
 * `package.json` `overrides` raise the lockfile to (at least) these; `lockfile-floors.test.ts`
 * fails when package-lock.json resolves any of them lower. Add a row when an advisory appears.
 */

/** One floor: every copy of `name` whose version satisfies `line` must be at least `floor`. */
export interface AdvisoryFloor {
  readonly name: string;
  /** Semver range of the major line the floor applies to (`*`: every version). */
  readonly line: string;
  readonly floor: string;
  /** The advisories the floor fixes, newest first (ids as published, GHSA or CVE). */
  readonly advisories: readonly string[];
}

export const ADVISORY_FLOORS: readonly AdvisoryFloor[] = [
  {
    name: "path-to-regexp",
    line: "0.1.x",
    floor: "0.1.13",
    // 3+ parameters in one segment; 0.1.12: GHSA-rhx6-c78j-4q9w; 0.1.10: GHSA-9wv6-86v2-598j
    advisories: ["CVE-2026-4867", "GHSA-rhx6-c78j-4q9w", "GHSA-9wv6-86v2-598j"],
  },
  { name: "path-to-regexp", line: "3.x", floor: "3.3.0", advisories: ["GHSA-9wv6-86v2-598j"] },
  { name: "body-parser", line: "1.x", floor: "1.20.3", advisories: ["GHSA-qwcr-r2fm-qrc7"] },
  {
    name: "express",
    line: "4.x",
    floor: "4.20.0",
    advisories: ["GHSA-qw6h-vgh9-j6wx", "GHSA-rv95-896h-c2vc"],
  },
  { name: "send", line: "0.x", floor: "0.19.0", advisories: ["GHSA-m6fv-jmcg-4jfg"] },
  { name: "serve-static", line: "1.x", floor: "1.16.0", advisories: ["GHSA-cm22-4g7w-348p"] },
  { name: "cookie", line: "0.x", floor: "0.7.0", advisories: ["GHSA-pxg6-pf52-xh8x"] },
  {
    name: "multer",
    line: "*",
    floor: "2.1.0",
    // 2.0.2: CVE-2025-7338; 2.0.1: CVE-2025-48997; 2.0.0: CVE-2025-47944, CVE-2025-47935
    advisories: ["CVE-2026-3304", "CVE-2025-7338", "CVE-2025-48997", "CVE-2025-47944", "CVE-2025-47935"],
  },
  {
    name: "qs",
    line: "6.x",
    floor: "6.16.0",
    // 6.14.2: CVE-2026-2391 (comma parsing); 6.14.1: GHSA-6rw7-vpxm-498p (bracket notation)
    advisories: ["GHSA-x5fp-wj9c-mxmx", "CVE-2026-2391", "GHSA-6rw7-vpxm-498p"],
  },
];
