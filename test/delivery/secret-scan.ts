/**
 * A small secret scanner for the repository's own files (what `git ls-files` tracks plus
 * untracked files that are not ignored): plain Kubernetes Secrets, PEM private keys, well-known
 * token formats, and credential-named assignments holding literal high-entropy values.
 * Sealed Secrets ciphertexts are recognized by their structure and allowed.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { parseAllDocuments } from "yaml";

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  /** The matched text with any value masked. */
  readonly excerpt: string;
}

/** Files of the working tree that git tracks or would track (untracked, not ignored). */
export function repositoryFiles(root: string): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.split("\0").filter((f) => f !== ""))].sort();
}

const MAX_BYTES = 4 * 1024 * 1024;

/** Token formats with a fixed shape: always a finding. */
const TOKEN_RULES: readonly { readonly rule: string; readonly pattern: RegExp }[] = [
  { rule: "pem-private-key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { rule: "aws-access-key-id", pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/ },
  { rule: "github-token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/ },
  { rule: "slack-token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { rule: "google-api-key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { rule: "npm-token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { rule: "private-key-in-json", pattern: /"private_key"\s*:\s*"-----BEGIN/ },
];

const KEY = String.raw`["']?([A-Za-z0-9_.-]*(?:passw(?:or)?d|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)[A-Za-z0-9_.-]*)["']?`;
/** `password: "…"`, `secret = '…'`, `"apiToken": "…"`: a credential-named key with a quoted literal. */
const QUOTED_ASSIGNMENT = new RegExp(String.raw`${KEY}\s*(?::=|=|:)\s*(["'\x60])([^"'\x60]*)\2`, "gi");
/** `API_TOKEN=abc…` / `password: abc…` as the whole rest of a line (config, env and shell files only). */
const BARE_ASSIGNMENT = new RegExp(
  String.raw`^\s*(?:export\s+|-\s+)?${KEY}\s*(?:=|:)\s*([^\s"'\x60#]+)\s*(?:#.*)?$`,
  "i",
);
/** Files where unquoted values are literals (not code expressions). */
const CONFIG_FILE = /\.(ya?ml|env|sh|bash|conf|cfg|ini|properties|toml)$|(^|\/)(Dockerfile|\.env[^/]*)$/i;

/** Plain `v1` Secret documents in a YAML/JSON text (SealedSecret and mere mentions of the kind do not count). */
export function plainSecretDocuments(text: string): number[] {
  const lines: number[] = [];
  let documents;
  try {
    documents = parseAllDocuments(text);
  } catch {
    return lines;
  }
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const value: unknown = document.toJS();
    const objects = Array.isArray(value) ? value : [value];
    for (const object of objects) {
      const items =
        object !== null && typeof object === "object" && Array.isArray((object as { items?: unknown }).items)
          ? (object as { items: unknown[] }).items
          : [object];
      for (const item of items) {
        const o = item as { kind?: unknown; apiVersion?: unknown } | null;
        if (o !== null && typeof o === "object" && o.kind === "Secret" && o.apiVersion === "v1") {
          const offset = document.range?.[0] ?? 0;
          lines.push(text.slice(0, offset).split("\n").length);
        }
      }
    }
  }
  return lines;
}

/** Bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Structure of a Sealed Secrets ciphertext: 2-byte RSA length (2048/3072/4096-bit), RSA part, AES-GCM body. */
export function isSealedCiphertext(value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length < 300) return false;
  const bytes = Buffer.from(value, "base64");
  const rsa = bytes.readUInt16BE(0);
  return [256, 384, 512].includes(rsa) && bytes.length >= 2 + rsa + 16;
}

const PLACEHOLDER = /REPLACE|example|placeholder|changeme|x{6,}|\*{3,}/i;

/** base64 of a placeholder text (e.g. the cdk8s test fixtures' "REPLACE-ME-…" ciphertext stand-ins). */
function isEncodedPlaceholder(value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  return /^[\x20-\x7e]+$/.test(decoded) && PLACEHOLDER.test(decoded);
}

/** A value that is a reference or a placeholder, not a literal credential. */
function isReferenceOrPlaceholder(value: string): boolean {
  return (
    isEncodedPlaceholder(value) ||
    value === "" ||
    /^\$|\$\{|\{\{|process\.env|secrets\.|env\.|import\.meta|^<.*>$/.test(value) ||
    PLACEHOLDER.test(value) ||
    /^(true|false|null|undefined|string|number|required|optional)$/i.test(value)
  );
}

/** A literal that looks like a real credential: long and random-looking. */
export function looksLikeCredential(value: string): boolean {
  if (isReferenceOrPlaceholder(value) || isSealedCiphertext(value)) return false;
  if (value.length < 16) return false;
  if (/^[a-z]+([-_.][a-z]+)*$/i.test(value)) return false; // words: names, not secrets
  return entropy(value) >= 3.5;
}

function mask(value: string): string {
  return value.length <= 4 ? "****" : `${value.slice(0, 2)}…(${value.length} chars)`;
}

/**
 * Vendored upstream data (schemas/: JSON schemas, CRDs, chart facts) quotes chart prose such as
 * the existing-secret value of a chart in prose: key/value assignments there are
 * not this repository's settings. Tokens, private keys and plain Secrets are still looked for.
 */
const VENDORED = /^schemas\//;

/** Scan one file's text. */
export function scanText(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const isConfig = CONFIG_FILE.test(file);
  const assignments = !VENDORED.test(file);
  text.split("\n").forEach((line, index) => {
    const at = { file, line: index + 1 };
    for (const { rule, pattern } of TOKEN_RULES) {
      const m = pattern.exec(line);
      if (m) findings.push({ ...at, rule, excerpt: mask(m[0]) });
    }
    const values: [string, string][] = [...line.matchAll(QUOTED_ASSIGNMENT)].map((m) => [
      m[1] ?? "",
      m[3] ?? "",
    ]);
    const bare = isConfig ? BARE_ASSIGNMENT.exec(line) : null;
    if (bare) values.push([bare[1] ?? "", bare[2] ?? ""]);
    for (const [key, value] of values)
      if (assignments && looksLikeCredential(value.trim()))
        findings.push({ ...at, rule: "credential-assignment", excerpt: `${key} = ${mask(value)}` });
  });
  if ([".yaml", ".yml", ".json"].includes(extname(file).toLowerCase()))
    for (const line of plainSecretDocuments(text))
      findings.push({ file, line, rule: "plain-kubernetes-secret", excerpt: "kind: Secret (apiVersion v1)" });
  return findings;
}

/** Files whose names alone are a problem when tracked. */
export function forbiddenFileName(file: string): string | undefined {
  if (/(^|\/)\.env(\.[^/]*)?$/.test(file) && !/\.env\.(example|sample|template)$/.test(file))
    return "env files hold credentials; commit a .env.example instead";
  if (/\.(pem|key|p12|pfx|jks)$/i.test(file) && !/(^|\/)(cert|ca|public)[^/]*\.pem$/i.test(file))
    return "key material file";
  return undefined;
}

/** Scan the files (paths relative to root); binary and very large files are skipped. */
export function scanFiles(root: string, files: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    const reason = forbiddenFileName(file);
    if (reason !== undefined) findings.push({ file, line: 0, rule: "forbidden-file", excerpt: reason });
    const path = join(root, file);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      continue; // deleted in the working tree
    }
    if (size > MAX_BYTES) continue;
    const buffer = readFileSync(path);
    if (buffer.includes(0)) continue;
    findings.push(...scanText(file, buffer.toString("utf8")));
  }
  return findings;
}
