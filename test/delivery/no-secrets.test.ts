/**
 * Secret hygiene: no tracked (or untracked, not ignored) file holds a plain Kubernetes Secret, a
 * private key, a well-known token or a literal credential. Sealed Secrets ciphertexts are fine.
 * The bad examples below are assembled at run time so that this file itself stays clean.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { isSealedCiphertext, repositoryFiles, scanFiles, scanText } from "./secret-scan.js";

describe("secret hygiene", () => {
  const files = repositoryFiles(REPO_ROOT);

  it("scans the repository's files (tracked and untracked-not-ignored)", () => {
    expect(files).toContain("package.json");
    expect(files).toContain("Dockerfile");
    expect(files.some((f) => f.startsWith("node_modules/"))).toBe(false);
  });

  it("finds no plain Secret, private key, token or literal credential", () => {
    const findings = scanFiles(REPO_ROOT, files).map((f) => `${f.file}:${f.line} ${f.rule}: ${f.excerpt}`);
    expect(findings).toEqual([]);
  });

  it("the committed sealed credentials are real Sealed Secrets ciphertexts", () => {
    for (const env of ["dev", "prod"]) {
      const file = join(REPO_ROOT, "cdk8s", "sealed", env, "broker-credentials.json");
      const { encryptedData } = JSON.parse(readFileSync(file, "utf8")) as {
        encryptedData: Record<string, string>;
      };
      expect(Object.keys(encryptedData).sort()).toEqual(["BROKER_PASSWORD", "BROKER_USERNAME"]);
      for (const value of Object.values(encryptedData)) expect(isSealedCiphertext(value)).toBe(true);
    }
  });

  describe("catches what it must", () => {
    const begin = "-----BEGIN";
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const cases: [string, string, string][] = [
      [
        "k.yaml",
        ["apiVersion: v1", "kind: " + "Secret", "metadata: {name: x}"].join("\n"),
        "plain-kubernetes-secret",
      ],
      ["k.json", `{"apiVersion": "v1", "kind": "${"Sec" + "ret"}"}`, "plain-kubernetes-secret"],
      ["key.txt", pem, "pem-private-key"],
      ["rsa.txt", `${begin} RSA PRIVATE KEY-----\nabc`, "pem-private-key"],
      ["a.ts", `const id = "${"AKIA" + "Q3EGRQ7NUPXL4ZYX"}";`, "aws-access-key-id"],
      ["b.sh", `export GH=${"ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}`, "github-token"],
      ["c.yaml", `password: "${"Zr8#kq2!Lm9v" + "Tx4@pW7s"}"`, "credential-assignment"],
      ["prod.env", `BROKER_PASSWORD=${"9fK2mQ7xLp3Rz8Vw" + "4TbN"}`, "credential-assignment"],
      ["e.json", `{"apiToken": "${"eyJhbGciOiJIUzI1" + "NiJ9.e30.Zm9v"}"}`, "credential-assignment"],
    ];
    it.each(cases)("%s → %s", (file, text, rule) => {
      expect(scanText(file, text).map((f) => f.rule)).toContain(rule);
    });

    it("and leaves references, placeholders, SealedSecrets and words alone", () => {
      const fine = [
        "kind: SealedSecret",
        "password: ${{ secrets.REGISTRY_PASSWORD }}",
        "BROKER_PASSWORD: process.env.BROKER_PASSWORD",
        'password: "<your password>"',
        "token: $TOKEN",
        "BROKER_PASSWORD: broker-credentials",
        'const password = "s3cret";',
        `BROKER_PASSWORD: "${Buffer.from("REPLACE-ME-run-npm-run-seal").toString("base64")}"`,
        "secretKeyRef: { name: broker-credentials, key: BROKER_PASSWORD }",
      ].join("\n");
      expect(scanText("ok.yaml", fine)).toEqual([]);
    });

    it("reads vendored schemas/ data for keys and tokens but not for key/value assignments", () => {
      const assignment = `password: "${"Zr8#kq2!Lm9v" + "Tx4@pW7s"}"`;
      expect(scanText("schemas/charts/x.json", assignment)).toEqual([]);
      expect(scanText("cdk8s/x.json", assignment).map((f) => f.rule)).toEqual(["credential-assignment"]);
      expect(scanText("schemas/charts/x.json", pem).map((f) => f.rule)).toContain("pem-private-key");
    });

    it("flags committed .env files and private key files by name", () => {
      expect(scanFiles(REPO_ROOT, [".env", "deploy/prod.key"]).map((f) => f.rule)).toEqual([
        "forbidden-file",
        "forbidden-file",
      ]);
    });
  });
});
