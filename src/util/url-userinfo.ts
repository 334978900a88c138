/**
 * URLs as they may be printed: a URL's userinfo (`user:password@`) is a credential, so every URL
 * that reaches a log line or an error message goes through `withoutUserinfo` first.
 */

// The scheme (optional: Memphis takes `host:port`), then everything up to the last `@` before the
// path: a password may hold an unescaped `@`, and all of it must go.
const USERINFO = /^(\s*(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?)[^/?#]*@/;

/** `url` (or a comma-separated list of URLs) with the userinfo of each entry removed. */
export function withoutUserinfo(url: string): string {
  return url
    .split(",")
    .map((entry) => entry.replace(USERINFO, "$1"))
    .join(",");
}
