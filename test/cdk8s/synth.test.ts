/** Synthesis is deterministic, and the committed dist-manifests/ and argocd/ are what it produces. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_HEADER, synthesize, writeSynthesized } from "../../cdk8s/synth.js";
import { synthDifferences } from "../../scripts/synth-check.js";

const repoRoot = resolve(import.meta.dirname, "..", "..");

describe("synth", () => {
  it("gives identical bytes twice", () => {
    const a = synthesize();
    const b = synthesize();
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(20);
  });

  it("writes one file per object with a generated header and no creationTimestamp", () => {
    for (const f of synthesize()) {
      expect(f.content.startsWith(GENERATED_HEADER)).toBe(true);
      expect(f.content).not.toMatch(/creationTimestamp/);
      expect(f.path).toMatch(
        /^(dist-manifests\/(dev|prod)(-platform)?|argocd\/(dev|prod)\/(bootstrap|apps))\/[a-z]+-[a-z0-9-]+\.yaml$/,
      );
    }
  });

  it("synth:check passes on the committed tree and reports a stale, extra or missing file", () => {
    expect(synthDifferences(repoRoot)).toEqual([]);
    const temp = mkdtempSync(join(tmpdir(), "synth-test-"));
    try {
      writeSynthesized(synthesize(), temp);
      expect(synthDifferences(temp)).toEqual([]);
      const cm = join(temp, "dist-manifests", "dev", "configmap-producer-config.yaml");
      writeFileSync(cm, readFileSync(cm, "utf8").replace(/RATE_PER_SECOND: .*/, 'RATE_PER_SECOND: "999"'));
      writeFileSync(join(temp, "argocd", "dev", "apps", "application-stray.yaml"), "kind: Application\n");
      rmSync(join(temp, "dist-manifests", "prod", "service-producer.yaml"));
      const diff = synthDifferences(temp);
      expect(diff).toHaveLength(3);
      expect(diff[0]).toMatch(/^added: +dist-manifests\/prod\/service-producer.yaml/);
      expect(diff[1]).toMatch(
        /^changed: dist-manifests\/dev\/configmap-producer-config.yaml .*999.* -> .*RATE_PER_SECOND/,
      );
      expect(diff[2]).toMatch(/^removed: argocd\/dev\/apps\/application-stray.yaml/);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
