import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bodyDigest } from "../../../../src/apps/consumer/effect-sink.js";
import { effectFileName, FileEffectSink } from "../../../../src/apps/consumer/file-effect-sink.js";
import { escapeId } from "../../../../src/runtime/envelope.js";
import { MemoryEffectSink } from "../../../../src/apps/consumer/memory-effect-sink.js";
import { auditSink } from "../../../support/sink-audit.js";

const effect = (id: string, instance: string, body = "body") => ({
  id,
  seq: 1,
  producer: "p",
  producedAt: 0,
  instance,
  deliveryCount: 1,
  digest: bodyDigest(new TextEncoder().encode(body)),
});

describe("FileEffectSink", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sink-test-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("applies an id once across instances, even when raced", async () => {
    const a = await FileEffectSink.open(dir, "a");
    const b = await FileEffectSink.open(dir, "b");
    const ids = Array.from({ length: 50 }, (_, i) => `id-${i}`);
    const results = await Promise.all(
      ids.flatMap((id) => [a.apply(effect(id, "a")), b.apply(effect(id, "b"))]),
    );
    await Promise.all([a.close(), b.close()]);
    expect(results.filter((r) => r === "applied")).toHaveLength(50);
    expect(results.filter((r) => r === "duplicate")).toHaveLength(50);
    const audit = await auditSink(dir);
    expect(audit.applied.size).toBe(50);
    expect(audit.duplicateEffects).toBe(0);
    expect((audit.appliesByInstance.a ?? 0) + (audit.appliesByInstance.b ?? 0)).toBe(50);
  });

  it("records every attempt apart from the effect, and the ledger control applies every time", async () => {
    const sinks = {
      idempotent: await FileEffectSink.open(join(dir, "idempotent"), "a"),
      ledger: await FileEffectSink.open(join(dir, "ledger"), "a", "ledger"),
    };
    for (const sink of Object.values(sinks)) {
      for (const id of ["x", "x", "y", "x"]) {
        await sink.recordAttempt(effect(id, "a"));
        await sink.apply(effect(id, "a"));
      }
      await sink.close();
    }
    const idempotent = await auditSink(join(dir, "idempotent"));
    const ledger = await auditSink(join(dir, "ledger"));
    for (const audit of [idempotent, ledger]) {
      expect(audit.duplicateDeliveries).toBe(2);
      expect(audit.attemptsById.get("x")).toBe(3);
      expect(audit.applied).toEqual(new Set(["x", "y"]));
    }
    expect(idempotent.duplicateEffects).toBe(0);
    expect(ledger.duplicateEffects).toBe(2);
  });

  it("hashes ids that are not safe file names, under a prefix no safe id can carry", () => {
    expect(effectFileName("abc-123")).toBe("abc-123");
    expect(effectFileName("../etc/passwd")).toMatch(/^sha256~[0-9a-f]{64}$/);
  });

  it("applies an id spelled as another id's hash apart from that id", async () => {
    const sink = await FileEffectSink.open(dir, "a");
    const unsafe = "../unsafe id";
    const hashName = effectFileName(unsafe).slice("sha256~".length);
    expect(await sink.apply(effect(unsafe, "a"))).toBe("applied");
    // Before the prefix both were named by the same 64 hex digits: the second was a "duplicate".
    expect(await sink.apply(effect(hashName, "a"))).toBe("applied");
    await sink.close();
    expect((await auditSink(dir)).applied.size).toBe(2);
  });

  it("writes ids escaped into its logs, one line each, and tells a conflicting body from a duplicate", async () => {
    const sink = await FileEffectSink.open(dir, "a");
    const id = "two\nlines and spaces %";
    await sink.recordAttempt(effect(id, "a"));
    expect(await sink.apply(effect(id, "a"))).toBe("applied");
    expect(await sink.apply(effect(id, "a"))).toBe("duplicate");
    expect(await sink.apply(effect(id, "a", "another body"))).toBe("conflict");
    await sink.close();
    const audit = await auditSink(dir);
    expect([...audit.attemptsById.keys()]).toEqual([escapeId(id)]);
    expect(escapeId(id)).toBe("two%0Alines%20and%20spaces%20%25");
    expect(audit.appliesByInstance.a).toBe(1);
  });
});

describe("MemoryEffectSink", () => {
  it("detects duplicates within its capacity and forgets the oldest beyond it", async () => {
    const sink = new MemoryEffectSink(2);
    expect(await sink.apply(effect("a", "x"))).toBe("applied");
    expect(await sink.apply(effect("a", "x"))).toBe("duplicate");
    await sink.apply(effect("b", "x"));
    await sink.apply(effect("c", "x"));
    expect(await sink.apply(effect("a", "x"))).toBe("applied");
  });

  it("tells a conflicting body under an applied id from a duplicate", async () => {
    const sink = new MemoryEffectSink(2);
    expect(await sink.apply(effect("a", "x"))).toBe("applied");
    expect(await sink.apply(effect("a", "x", "other"))).toBe("conflict");
    expect(await sink.apply(effect("a", "x"))).toBe("duplicate");
  });
});
