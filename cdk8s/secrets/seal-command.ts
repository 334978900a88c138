/**
 * `npm run seal -- --cert <file|https URL> --env <env> [--secret <name>] [--generate] [--namespace <ns>]
 *   [--stdin] [--username-from-env VAR] [--password-from-env VAR] [--no-synth]`
 *
 * Seals one Secret of an environment with strict scope (bound to its namespace and name): by default
 * the broker credentials "broker-credentials", or with `--secret` one of the platform Secrets the
 * charts read (`sealableSecrets` in ./catalog.ts), together with its copies in other namespaces.
 * Writes `cdk8s/sealed/<env>/<name>.json` and re-synthesizes, all or nothing (../config-edits/atomic-edit.ts).
 * Plaintext comes from environment variables (named like the keys) or stdin, never from argv, and is
 * never printed; `--generate` makes a random value for every key not given.
 */
import { readFile } from "node:fs/promises";
import { parseCli, usageText, type CliOption, type CliSpec } from "../../tooling/cli.js";
import { runSynth } from "../../tooling/run-synth.js";
import { BROKER_BY_ENVIRONMENT, ENVIRONMENT_NAMES, type EnvironmentName } from "../config.js";
import { writeAtomically, type PlannedWrite } from "../config-edits/atomic-edit.js";
import type { SealedSecretSpec } from "./catalog.js";
import { BROKER_CREDENTIALS_NAME, sealableSecrets } from "./catalog.js";
import { readCredentials } from "./credential-input.js";
import { generatedSecretValue, memphisPasswordProblem } from "./generated-values.js";
import { SEALED_DIR, sealDocument, sealedDocumentText, sealedFilePath } from "./sealed-file.js";
import { readSealingKey } from "./sealing-scheme.js";

/** What the command needs from its surroundings (passed in, so tests never touch process state). */
export interface SealIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Read all of stdin (only called with `--stdin`). */
  readonly readStdin: () => Promise<string>;
  readonly log: (line: string) => void;
  /** @default cdk8s/sealed */
  readonly sealedDir?: string;
  /** Re-synthesizes the manifests (they embed the ciphertexts); replaced in tests. @default runSynth */
  readonly synth?: (log: (line: string) => void) => unknown;
}

/** Flags of `npm run seal`. */
export const SEAL_CLI = {
  usage:
    "npm run seal -- --cert <cert.pem|https://…/v1/cert.pem> --env <" +
    ENVIRONMENT_NAMES.join("|") +
    "> [--secret <name>] [--generate] [--namespace <ns>] [--stdin] [--username-from-env VAR] [--password-from-env VAR] [--no-synth]",
  description:
    "Seal one Secret of an environment (the broker credentials by default) with the cluster's Sealed " +
    "Secrets certificate into cdk8s/sealed/, then re-synthesize. Values come from the environment or stdin, never argv.",
  options: {
    cert: {
      type: "string",
      valueName: "file|url",
      help: "the controller's certificate (kubeseal --fetch-cert)",
    },
    env: { type: "string", valueName: ENVIRONMENT_NAMES.join("|"), help: "environment whose Secret to seal" },
    namespace: {
      type: "string",
      valueName: "ns",
      help: "namespace of the secret (default: the environment's)",
    },
    secret: {
      type: "string",
      default: BROKER_CREDENTIALS_NAME,
      valueName: "name",
      help: `Secret to seal (default ${BROKER_CREDENTIALS_NAME}, or a platform Secret the charts read)`,
    },
    generate: { type: "boolean", default: false, help: "make a random value for every key not given" },
    stdin: { type: "boolean", default: false, help: "read KEY=value lines from stdin" },
    "username-from-env": { type: "string", valueName: "VAR", help: "read the username from this variable" },
    "password-from-env": { type: "string", valueName: "VAR", help: "read the password from this variable" },
    "no-synth": { type: "boolean", default: false, help: "do not re-synthesize the manifests" },
  },
} satisfies CliSpec<Record<string, CliOption>>;
const USAGE = usageText(SEAL_CLI);

/** Fetch the certificate text from a file or an https URL (what `kubeseal --fetch-cert` prints). */
export async function loadCertificate(source: string): Promise<string> {
  if (/^https:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new Error(`--cert ${source}: HTTP ${response.status}`);
    return await response.text();
  }
  if (/^[a-z]+:\/\//i.test(source))
    throw new Error(`--cert ${source}: only files and https:// URLs are accepted`);
  return await readFile(source, "utf8");
}

export async function runSeal(argv: readonly string[], io: SealIo): Promise<string> {
  const { values } = parseCli(SEAL_CLI, argv);
  if (values.cert === undefined) throw new Error(`--cert is required\n${USAGE}`);
  if (values.env === undefined) throw new Error(`--env is required\n${USAGE}`);
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(values.env))
    throw new Error(`--env: unknown environment "${values.env}" (known: ${ENVIRONMENT_NAMES.join(", ")})`);
  const env = values.env as EnvironmentName;
  const broker = BROKER_BY_ENVIRONMENT[env];
  const known = sealableSecrets(env, broker);
  const spec = known.find((k) => k.name === values.secret);
  if (spec === undefined)
    throw new Error(
      `--secret: unknown secret "${values.secret}" for ${env} (known: ${known.map((k) => k.name).join(", ")})`,
    );
  const namespace = values.namespace ?? spec.namespace;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
    throw new Error(`--namespace: "${namespace}" is not a valid Kubernetes namespace name`);

  const fromEnv: Record<string, string> = {};
  if (values["username-from-env"] !== undefined) fromEnv.BROKER_USERNAME = values["username-from-env"];
  if (values["password-from-env"] !== undefined) fromEnv.BROKER_PASSWORD = values["password-from-env"];
  const stdin = values.stdin ? await io.readStdin() : undefined;
  const given = (key: string): boolean => {
    if (stdin !== undefined) return new RegExp(`^\\s*${key}=.`, "m").test(stdin);
    return Boolean(io.env[fromEnv[key] ?? key]);
  };
  const toGenerate = values.generate ? spec.keys.filter((k) => !given(k)) : [];
  const credentials = {
    ...readCredentials({
      keys: spec.keys.filter((k) => !toGenerate.includes(k)),
      fromEnv,
      env: io.env,
      ...(stdin === undefined ? {} : { stdin }),
    }),
    ...Object.fromEntries(toGenerate.map((k) => [k, generatedSecretValue(k)])),
  };
  // The memphis-user Job hands the apps' password to Memphis, which rejects weak ones (./generated-values.ts).
  if (broker === "memphis" && spec.name === BROKER_CREDENTIALS_NAME) {
    const problem = memphisPasswordProblem(credentials.BROKER_PASSWORD ?? "");
    if (problem !== undefined) throw new Error(`BROKER_PASSWORD: ${problem}`);
  }

  const key = readSealingKey(await loadCertificate(values.cert));
  const targets: SealedSecretSpec[] = [{ ...spec, namespace }, ...(spec.copies ?? [])];
  const writes: PlannedWrite[] = targets.map((target) => {
    const document = sealDocument({
      key,
      namespace: target.namespace,
      name: target.name,
      values: Object.fromEntries(target.keys.map((k) => [k, credentials[k]!])),
    });
    const file = sealedFilePath(io.sealedDir ?? SEALED_DIR, env, target.name);
    const generated = toGenerate.filter((k) => target.keys.includes(k));
    io.log(
      `sealed ${Object.keys(document.encryptedData).join(", ")} for ${target.namespace}/${target.name} ` +
        `(strict scope, certificate sha256 ${key.fingerprint.slice(0, 16)}…) into ${file}` +
        (generated.length > 0 ? ` (generated: ${generated.join(", ")})` : ""),
    );
    return { file, content: sealedDocumentText(document) };
  });
  writeAtomically(writes, () => {
    if (values["no-synth"]) return;
    if (io.synth === undefined) runSynth();
    else io.synth(io.log);
  });
  const first = writes[0]!.file;
  return first;
}
