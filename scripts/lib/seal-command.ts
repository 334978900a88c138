/**
 * `npm run seal -- --cert <file|https URL> --env <env> [--namespace <ns>] [--stdin]
 *   [--username-from-env VAR] [--password-from-env VAR] [--no-synth]`
 *
 * Seals the broker credentials for one environment with strict scope (bound to the namespace and
 * the pinned Secret name "broker-credentials"), writes `cdk8s/sealed/<env>/broker-credentials.json`
 * and re-synthesizes the manifests that embed it.
 * Plaintext comes from environment variables or stdin, never from argv, and is never printed.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ENVIRONMENTS, ENVIRONMENT_NAMES, type EnvironmentName } from "../../cdk8s/config.js";
import { BROKER_CREDENTIALS_NAME } from "../../cdk8s/lib/broker-credentials.js";
import { CREDENTIAL_KEYS } from "../../cdk8s/lib/app-environment.js";
import { parseCli, usageText, type CliOption, type CliSpec } from "./cli.js";
import { readSealingKey } from "./sealing.js";
import { sealCredentials, sealedFilePath, writeSealedDocument } from "./sealing-file.js";
import { readCredentials } from "./sealing-input.js";
import { REPO_ROOT } from "./repo-root.js";
import { runSynth } from "./run-synth.js";

/** Where the committed sealed files live. */
export const SEALED_DIR = join(REPO_ROOT, "cdk8s", "sealed");

/** What the command needs from its surroundings (passed in, so tests never touch process state). */
export interface SealIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Read all of stdin (only called with `--stdin`). */
  readonly readStdin: () => Promise<string>;
  readonly log: (line: string) => void;
  /** @default cdk8s/sealed */
  readonly sealedDir?: string;
  /** Re-synthesizes the manifests (they embed the ciphertexts); replaced in tests. @default runSynth */
  readonly synth?: (log: (line: string) => void) => boolean;
}

/** Flags of `npm run seal`. */
export const SEAL_CLI = {
  usage:
    "npm run seal -- --cert <cert.pem|https://…/v1/cert.pem> --env <" +
    ENVIRONMENT_NAMES.join("|") +
    "> [--namespace <ns>] [--stdin] [--username-from-env VAR] [--password-from-env VAR] [--no-synth]",
  description:
    "Seal the broker credentials of one environment with the cluster's Sealed Secrets certificate " +
    "into cdk8s/sealed/, then re-synthesize. Credentials are read from the environment or stdin, never argv.",
  options: {
    cert: {
      type: "string",
      valueName: "file|url",
      help: "the controller's certificate (kubeseal --fetch-cert)",
    },
    env: {
      type: "string",
      valueName: ENVIRONMENT_NAMES.join("|"),
      help: "environment whose credentials to seal",
    },
    namespace: {
      type: "string",
      valueName: "ns",
      help: "namespace of the secret (default: the environment's)",
    },
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
  const namespace = values.namespace ?? ENVIRONMENTS[env].namespace;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
    throw new Error(`--namespace: "${namespace}" is not a valid Kubernetes namespace name`);

  const fromEnv: Record<string, string> = {};
  if (values["username-from-env"] !== undefined) fromEnv.BROKER_USERNAME = values["username-from-env"];
  if (values["password-from-env"] !== undefined) fromEnv.BROKER_PASSWORD = values["password-from-env"];
  const credentials = readCredentials({
    keys: CREDENTIAL_KEYS,
    fromEnv,
    env: io.env,
    ...(values.stdin ? { stdin: await io.readStdin() } : {}),
  });

  const key = readSealingKey(await loadCertificate(values.cert));
  const document = sealCredentials({ key, namespace, name: BROKER_CREDENTIALS_NAME, values: credentials });
  const file = sealedFilePath(io.sealedDir ?? SEALED_DIR, env, BROKER_CREDENTIALS_NAME);
  writeSealedDocument(file, document);
  io.log(
    `sealed ${Object.keys(document.encryptedData).join(", ")} for ${namespace}/${BROKER_CREDENTIALS_NAME} ` +
      `(strict scope, certificate sha256 ${key.fingerprint.slice(0, 16)}…) into ${file}`,
  );
  if (!values["no-synth"]) (io.synth ?? runSynth)(io.log);
  return file;
}
