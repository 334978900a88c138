/**
 * With SINK_DIR: an effect is the file `<dir>/effects/<name>.json` (`effectFileName`), created in
 * one atomic step — written to a temporary file, then hard-linked to its final name. `link()` fails
 * with EEXIST when any instance applied the same id before: that is a duplicate (or, when the
 * stored body digest differs, a conflict), never a second effect. Each successful apply also
 * appends one line (the id, `escapeId`d) to `<dir>/applied-<instance>.log`, so tests count applies
 * per id across instances.
 *
 * Independently of the effect, `recordAttempt()` (called for each delivery the consumer starts
 * processing, before its work) appends `<escaped id> <deliveryCount>` to `<dir>/attempts-<instance>.log`.
 * That record does not go through the idempotent link, so tests count duplicate deliveries from it
 * and check that the sink absorbed each one.
 *
 * `effect: "ledger"` (SINK_EFFECT=ledger) is the deliberately non-idempotent negative control: no
 * link, every call appends its applied line, as a naive append-only ledger would. Tests run a fault
 * against it to prove their duplicate-effect check can see a second apply.
 */
import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rename, unlink, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { escapeId } from "../../runtime/envelope.js";
import type { ApplyResult, Attempt, Effect, EffectSink } from "./effect-sink.js";

/** How the file sink applies an effect. */
export type FileSinkEffect = "idempotent" | "ledger";

export const FILE_SINK_EFFECTS: readonly FileSinkEffect[] = ["idempotent", "ledger"];

/**
 * File name of an id: itself when it is only `[A-Za-z0-9_-]` (1 to 100 of them), else
 * `sha256~<hex of its SHA-256>`. The `~` cannot occur in a name of the first kind, so no id's name
 * is another id's hash (an id spelled as another's hash keeps its own name).
 */
export function effectFileName(id: string): string {
  return SAFE_NAME.test(id) ? id : `sha256~${createHash("sha256").update(id).digest("hex")}`;
}

const SAFE_NAME = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Errno codes that say SINK_DIR names a place no sink can be: a file in the way, a name too long or
 * looping, a read-only or pseudo file system (/sys answers EPERM). Any other failure (permissions,
 * space, descriptors) is the environment's.
 */
const WRONG_VALUE_CODES = new Set(["ENOTDIR", "EEXIST", "ENAMETOOLONG", "ELOOP", "EPERM", "EROFS"]);

/** SINK_DIR cannot hold the sink: a one-line message and the exit code (2: the value, 1: the environment). */
export class SinkDirError extends Error {
  override readonly name = "SinkDirError";

  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }

  static from(dir: string, error: unknown): SinkDirError {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    const reason = ((error as Error).message ?? String(error)).split("\n")[0]!.replace(/,.*$/, "");
    return new SinkDirError(
      `SINK_DIR ${JSON.stringify(dir)}: cannot hold the effect sink (${reason})`,
      WRONG_VALUE_CODES.has(code) ? 2 : 1,
    );
  }
}

export class FileEffectSink implements EffectSink {
  private constructor(
    private readonly dir: string,
    private readonly effect: FileSinkEffect,
    private readonly attempts: FileHandle,
    private readonly log: FileHandle,
  ) {}

  /**
   * @param effect `idempotent` (one atomic link per id) or the non-idempotent `ledger` control.
   * @default effect "idempotent"
   */
  static async open(
    dir: string,
    instance: string,
    effect: FileSinkEffect = "idempotent",
  ): Promise<FileEffectSink> {
    try {
      await mkdir(join(dir, "effects"), { recursive: true });
      await mkdir(join(dir, "tmp"), { recursive: true });
      const name = effectFileName(instance);
      const attempts = await open(join(dir, `attempts-${name}.log`), "a");
      const log = await open(join(dir, `applied-${name}.log`), "a");
      return new FileEffectSink(dir, effect, attempts, log);
    } catch (error) {
      throw SinkDirError.from(dir, error);
    }
  }

  async recordAttempt(attempt: Attempt): Promise<void> {
    await this.attempts.appendFile(`${escapeId(attempt.id)} ${attempt.deliveryCount}\n`);
  }

  async apply(effect: Effect): Promise<ApplyResult> {
    const name = effectFileName(effect.id);
    const target = join(this.dir, "effects", `${name}.json`);
    const temp = join(this.dir, "tmp", `${name}.${randomBytes(6).toString("hex")}`);
    await writeFile(temp, `${JSON.stringify({ ...effect, appliedAt: Date.now() })}\n`);
    if (this.effect === "ledger") {
      await rename(temp, target);
    } else {
      try {
        await link(temp, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return await this.existing(target, effect);
        throw error;
      } finally {
        await unlink(temp).catch(() => {});
      }
    }
    await this.log.appendFile(`${escapeId(effect.id)}\n`);
    return "applied";
  }

  /** `duplicate` when the applied effect came from the same body, else `conflict`. */
  private async existing(target: string, effect: Effect): Promise<ApplyResult> {
    const stored = JSON.parse(await readFile(target, "utf8")) as Partial<Effect>;
    return stored.digest === effect.digest ? "duplicate" : "conflict";
  }

  async close(): Promise<void> {
    await Promise.all([this.attempts.close(), this.log.close()]);
  }
}
