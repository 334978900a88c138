/**
 * `npm run seal`: strict-scope Sealed Secrets ciphertexts that the controller's private key opens
 * only under the right namespace/name, from a throwaway key pair made here (never committed).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encryptSecretItem } from "@linode/kubeseal-encrypt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSealedCredentials } from "../../cdk8s/secrets/broker-credentials.js";
import { parseKeyValueLines, readCredentials } from "../../cdk8s/secrets/credential-input.js";
import { generatedSecretValue, memphisPasswordProblem } from "../../cdk8s/secrets/generated-values.js";
import { runSeal } from "../../cdk8s/secrets/seal-command.js";
import type { SealedDocument } from "../../cdk8s/secrets/sealed-file.js";
import {
  encryptionLabel,
  openSealedValue,
  readSealingKey,
  sealValue,
} from "../../cdk8s/secrets/sealing-scheme.js";

const USERNAME = "pipeline-user";
/** Made at run time (never a literal credential in a committed file); '=', spaces and non-ASCII included. */
const PASSWORD = `${randomBytes(12).toString("base64")}= with spaces ünïcode`;
/** A password Memphis accepts for an application user (both environments run Memphis): 8–20 characters. */
const MEMPHIS_PASSWORD = `Aa1!${randomBytes(6).toString("hex")}`;

let dir: string;
let privateKey: KeyObject;
let publicKeyPem: string;
let certFile: string | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "seal-test-"));
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  privateKey = pair.privateKey;
  publicKeyPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
  writeFileSync(join(dir, "public.pem"), publicKeyPem);
  // node:crypto cannot create X.509 certificates; openssl makes the self-signed one the controller would publish.
  if (spawnSync("openssl", ["version"]).status === 0) {
    const keyFile = join(dir, "private.pem");
    writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    certFile = join(dir, "cert.pem");
    execFileSync("openssl", [
      "req",
      "-x509",
      "-new",
      "-key",
      keyFile,
      "-out",
      certFile,
      "-days",
      "1",
      "-subj",
      "/CN=sealed-secret-test",
    ]);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: Record<string, string | undefined>, stdin = "") {
  const lines: string[] = [];
  return {
    lines,
    io: {
      env,
      readStdin: async () => stdin,
      log: (line: string) => lines.push(line),
      sealedDir: join(dir, "sealed"),
      synth: () => false,
    },
  };
}

function readDocument(file: string): SealedDocument {
  return JSON.parse(readFileSync(file, "utf8")) as SealedDocument;
}

describe("sealing scheme", () => {
  it("round-trips with the strict label and fails with any other label", () => {
    const label = encryptionLabel("strict", "event-pipeline", "broker-credentials");
    expect(label.toString()).toBe("event-pipeline/broker-credentials");
    const sealed = sealValue(readSealingKey(publicKeyPem).publicKey, label, Buffer.from(PASSWORD));
    expect(openSealedValue(privateKey, label, sealed).toString()).toBe(PASSWORD);
    for (const wrong of [
      encryptionLabel("strict", "other-namespace", "broker-credentials"),
      encryptionLabel("strict", "event-pipeline", "other-name"),
      encryptionLabel("namespace-wide", "event-pipeline", "broker-credentials"),
      encryptionLabel("cluster-wide", "", ""),
    ]) {
      expect(() => openSealedValue(privateKey, wrong, sealed)).toThrow();
    }
  });

  it("is randomized (fresh session key per value) and has the documented layout", () => {
    const key = readSealingKey(publicKeyPem).publicKey;
    const label = encryptionLabel("strict", "ns", "name");
    const a = Buffer.from(sealValue(key, label, Buffer.from("x")), "base64");
    const b = Buffer.from(sealValue(key, label, Buffer.from("x")), "base64");
    expect(a.equals(b)).toBe(false);
    // 2-byte length (256 for RSA-2048) + RSA part + 1 byte ciphertext + 16-byte GCM tag
    expect(a.readUInt16BE(0)).toBe(256);
    expect(a.length).toBe(2 + 256 + 1 + 16);
  });

  it("interoperates with an independent implementation (@linode/kubeseal-encrypt, namespace-wide label)", async () => {
    // That library can only seal namespace-wide (label = namespace); opening its output with our
    // decryption, and ours with the same label, checks both directions of the byte layout.
    const theirs = await encryptSecretItem(publicKeyPem, "event-pipeline", PASSWORD);
    const label = encryptionLabel("namespace-wide", "event-pipeline", "ignored");
    expect(openSealedValue(privateKey, label, theirs).toString()).toBe(PASSWORD);
    expect(() =>
      openSealedValue(privateKey, encryptionLabel("strict", "event-pipeline", "x"), theirs),
    ).toThrow();
  });

  it("rejects keys and scopes that cannot work", () => {
    expect(() => readSealingKey("not a pem")).toThrow(/PEM certificate or PEM public key/);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({
      type: "spki",
      format: "pem",
    });
    expect(() => readSealingKey(ec.toString())).toThrow(/RSA keys, got ec/);
    expect(() => encryptionLabel("strict", "ns", "")).toThrow(/strict scope needs a namespace and a name/);
  });
});

describe("credential input", () => {
  it("reads KEY=value lines with '=' in values and reports what is missing", () => {
    expect(parseKeyValueLines("# c\nA=1=2\n\nB= x ").get("A")).toBe("1=2");
    expect(() =>
      readCredentials({ keys: ["BROKER_USERNAME", "BROKER_PASSWORD"], env: { BROKER_USERNAME: "u" } }),
    ).toThrow(/BROKER_PASSWORD \(environment variable BROKER_PASSWORD\)/);
    expect(
      readCredentials({
        keys: ["BROKER_PASSWORD"],
        fromEnv: { BROKER_PASSWORD: "MY_PW" },
        env: { MY_PW: "s" },
      }),
    ).toEqual({ BROKER_PASSWORD: "s" });
  });
});

describe("npm run seal", () => {
  it("writes a strict-scope file the controller key opens and the cdk8s app reads", async () => {
    const cert = certFile ?? join(dir, "public.pem");
    const { io: seal, lines } = io({ PIPELINE_USER: USERNAME, PIPELINE_PASSWORD: MEMPHIS_PASSWORD });
    const file = await runSeal(
      [
        "--cert",
        cert,
        "--env",
        "dev",
        "--username-from-env",
        "PIPELINE_USER",
        "--password-from-env",
        "PIPELINE_PASSWORD",
      ],
      seal,
    );
    expect(file).toBe(join(dir, "sealed", "dev", "broker-credentials.json"));
    const document = readDocument(file);
    expect(document.sealedFor).toMatchObject({
      scope: "strict",
      namespace: "event-pipeline",
      name: "broker-credentials",
    });
    const label = encryptionLabel("strict", "event-pipeline", "broker-credentials");
    expect(openSealedValue(privateKey, label, document.encryptedData.BROKER_USERNAME ?? "").toString()).toBe(
      USERNAME,
    );
    expect(openSealedValue(privateKey, label, document.encryptedData.BROKER_PASSWORD ?? "").toString()).toBe(
      MEMPHIS_PASSWORD,
    );
    // strict scope: the same ciphertext under another namespace or name does not open
    expect(() =>
      openSealedValue(
        privateKey,
        encryptionLabel("strict", "default", "broker-credentials"),
        document.encryptedData.BROKER_PASSWORD ?? "",
      ),
    ).toThrow();
    // the shape the cdk8s app reads
    expect(readSealedCredentials("dev", join(dir, "sealed")).encryptedData).toEqual(document.encryptedData);
    // no plaintext in the file or in the log
    const text = readFileSync(file, "utf8") + lines.join("\n");
    expect(text).not.toContain(USERNAME);
    expect(text).not.toContain(MEMPHIS_PASSWORD);
  });

  it("takes credentials from stdin and a --namespace override", async () => {
    const { io: seal } = io({}, `BROKER_USERNAME=${USERNAME}\nBROKER_PASSWORD=${MEMPHIS_PASSWORD}\n`);
    const file = await runSeal(
      ["--cert", join(dir, "public.pem"), "--env", "prod", "--namespace", "pipeline-b", "--stdin"],
      seal,
    );
    const document = readDocument(file);
    const label = encryptionLabel("strict", "pipeline-b", "broker-credentials");
    expect(openSealedValue(privateKey, label, document.encryptedData.BROKER_PASSWORD ?? "").toString()).toBe(
      MEMPHIS_PASSWORD,
    );
  });

  it("refuses credentials on argv, unknown environments and missing values", async () => {
    const cert = join(dir, "public.pem");
    await expect(runSeal(["--cert", cert, "--env", "dev", "--password", "x"], io({}).io)).rejects.toThrow(
      /Unknown option '--password'/,
    );
    await expect(runSeal(["--cert", cert, "--env", "staging"], io({}).io)).rejects.toThrow(
      /--env: unknown environment "staging"/,
    );
    await expect(runSeal(["--cert", cert, "--env", "dev"], io({ BROKER_USERNAME: "u" }).io)).rejects.toThrow(
      /missing or empty credential: BROKER_PASSWORD/,
    );
    await expect(
      runSeal(
        ["--cert", "http://example.invalid/cert.pem", "--env", "dev"],
        io({ BROKER_USERNAME: "u", BROKER_PASSWORD: MEMPHIS_PASSWORD }).io,
      ),
    ).rejects.toThrow(/only files and https:\/\/ URLs/);
  });
});

describe("npm run seal --secret (platform Secrets the charts read) and --generate", () => {
  const pub = (): string => join(dir, "public.pem");

  it("seals memphis-creds and its memphis-admin copy from one input: the same ROOT_PASSWORD, each bound to its own namespace/name", async () => {
    const { io: seal, lines } = io({});
    const file = await runSeal(
      ["--cert", pub(), "--env", "dev", "--secret", "memphis-creds", "--generate"],
      seal,
    );
    const creds = readDocument(file);
    const admin = readDocument(join(dir, "sealed", "dev", "memphis-admin.json"));
    expect(creds.sealedFor).toMatchObject({ scope: "strict", namespace: "memphis", name: "memphis-creds" });
    expect(admin.sealedFor).toMatchObject({
      scope: "strict",
      namespace: "event-pipeline",
      name: "memphis-admin",
    });
    expect(Object.keys(creds.encryptedData)).toHaveLength(7);
    expect(Object.keys(admin.encryptedData)).toEqual(["ROOT_PASSWORD"]);
    const open = (doc: SealedDocument, key: string): string =>
      openSealedValue(
        privateKey,
        encryptionLabel("strict", doc.sealedFor.namespace, doc.sealedFor.name),
        doc.encryptedData[key] ?? "",
      ).toString();
    const root = open(creds, "ROOT_PASSWORD");
    expect(root).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(open(admin, "ROOT_PASSWORD")).toBe(root);
    // Every generated value is its own random string.
    const values = Object.keys(creds.encryptedData).map((k) => open(creds, k));
    expect(new Set(values).size).toBe(7);
    expect(lines.join("\n")).not.toContain(root);
  });

  it("generates a broker password Memphis accepts, keeps the given user name, and never prints either", async () => {
    const { io: seal, lines } = io({ BROKER_USERNAME: USERNAME });
    const file = await runSeal(["--cert", pub(), "--env", "dev", "--generate"], seal);
    const document = readDocument(file);
    const label = encryptionLabel("strict", "event-pipeline", "broker-credentials");
    expect(openSealedValue(privateKey, label, document.encryptedData.BROKER_USERNAME ?? "").toString()).toBe(
      USERNAME,
    );
    const password = openSealedValue(
      privateKey,
      label,
      document.encryptedData.BROKER_PASSWORD ?? "",
    ).toString();
    expect(memphisPasswordProblem(password)).toBeUndefined();
    expect(lines.join("\n")).not.toContain(password);
    for (let i = 0; i < 200; i++)
      expect(memphisPasswordProblem(generatedSecretValue("BROKER_PASSWORD"))).toBeUndefined();
  });

  it("rejects a password Memphis would refuse, before sealing, without printing it; and unknown secrets", async () => {
    for (const weak of [
      "Sh1!abc",
      "nouppercase1!",
      "NoSpecial123",
      "Has space1!A",
      `Aa1!${"x".repeat(17)}`,
    ]) {
      const expected = /BROKER_PASSWORD: Memphis (needs|allows only)/;
      const attempt = runSeal(
        ["--cert", pub(), "--env", "dev"],
        io({ BROKER_USERNAME: "u", BROKER_PASSWORD: weak }).io,
      );
      await expect(attempt).rejects.toThrow(expected);
      await attempt.catch((e: Error) => expect(e.message).not.toContain(weak));
    }
    expect(memphisPasswordProblem(MEMPHIS_PASSWORD)).toBeUndefined();
    await expect(
      runSeal(["--cert", pub(), "--env", "dev", "--secret", "memphis-cred"], io({}).io),
    ).rejects.toThrow(
      /--secret: unknown secret "memphis-cred" for dev \(known: broker-credentials, grafana-admin, memphis-creds/,
    );
  });
});

describe("npm run seal is all or nothing", () => {
  it("a failing synth leaves the sealed files as they were: the replaced one restored, the new one and its folder gone", async () => {
    const sealedDir = join(dir, "atomic");
    const creds = join(sealedDir, "dev", "memphis-creds.json");
    const admin = join(sealedDir, "dev", "memphis-admin.json");
    mkdirSync(join(sealedDir, "dev"), { recursive: true });
    writeFileSync(creds, "as committed\n");
    const seal = (synth: () => boolean) =>
      runSeal(
        ["--cert", join(dir, "public.pem"), "--env", "dev", "--secret", "memphis-creds", "--generate"],
        {
          ...io({}).io,
          sealedDir,
          synth,
        },
      );
    await expect(
      seal(() => {
        throw new Error("npm run synth failed (exit 1)");
      }),
    ).rejects.toThrow(/npm run synth failed/);
    expect(readFileSync(creds, "utf8")).toBe("as committed\n");
    expect(existsSync(admin)).toBe(false);
    rmSync(creds);
    rmSync(join(sealedDir, "dev"), { recursive: true });
    await expect(
      seal(() => {
        throw new Error("npm run synth failed (exit 1)");
      }),
    ).rejects.toThrow();
    expect(existsSync(join(sealedDir, "dev"))).toBe(false);
    // Negative control: the same command with a synth that succeeds writes both files.
    await seal(() => true);
    expect(readDocument(creds).sealedFor.name).toBe("memphis-creds");
    expect(readDocument(admin).sealedFor.name).toBe("memphis-admin");
  });
});
