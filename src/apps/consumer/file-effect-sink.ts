/**
 * With SINK_DIR: an effect is the file `<dir>/effects/<id>.json`, created in one atomic step —
 * written to a temporary file, then hard-linked to its final name. `link()` fails with EEXIST when
 * any instance applied the same id before: that is a duplicate, never a second effect. Each
 * successful apply also appends one line (the id) to `<dir>/applied-<instance>.log`, so tests count
 * applies per id across instances.
 */
import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, open, unlink, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { ApplyResult, Effect, EffectSink } from "./effect-sink.js";

/** File name of an id: itself when safe, else its SHA-256. */
export function effectFileName(id: string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(id) ? id : createHash("sha256").update(id).digest("hex");
}

export class FileEffectSink implements EffectSink {
  private constructor(
    private readonly dir: string,
    private readonly log: FileHandle,
  ) {}

  static async open(dir: string, instance: string): Promise<FileEffectSink> {
    await mkdir(join(dir, "effects"), { recursive: true });
    await mkdir(join(dir, "tmp"), { recursive: true });
    const log = await open(join(dir, `applied-${effectFileName(instance)}.log`), "a");
    return new FileEffectSink(dir, log);
  }

  async apply(effect: Effect): Promise<ApplyResult> {
    const name = effectFileName(effect.id);
    const target = join(this.dir, "effects", `${name}.json`);
    const temp = join(this.dir, "tmp", `${name}.${randomBytes(6).toString("hex")}`);
    await writeFile(temp, `${JSON.stringify({ ...effect, appliedAt: Date.now() })}\n`);
    try {
      await link(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return "duplicate";
      throw error;
    } finally {
      await unlink(temp).catch(() => {});
    }
    await this.log.appendFile(`${effect.id}\n`);
    return "applied";
  }

  async close(): Promise<void> {
    await this.log.close();
  }
}
