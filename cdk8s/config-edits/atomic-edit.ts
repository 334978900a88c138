/**
 * All or nothing for the commands that edit the repository (set-rate, bump-images, seal): every
 * planned file is written, then the manifests are re-synthesized from them; when any step fails,
 * every file is put back as it was (a new one removed, with the folders made for it) and the error
 * is rethrown, so a failing command leaves the tree as it found it. The synth computes every file
 * before it writes one (cdk8s/synth.ts), so a failing synth leaves the generated folders untouched.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** One file a command writes: its path and its whole new content. */
export interface PlannedWrite {
  readonly file: string;
  readonly content: string;
}

/** The file as it was before the edit: its bytes, or undefined when it did not exist. */
interface Saved {
  readonly file: string;
  readonly before: Buffer | undefined;
}

/** Folders that `file` needs and that do not exist yet, outermost first. */
function missingFolders(file: string): string[] {
  const missing: string[] = [];
  for (let dir = dirname(file); !existsSync(dir); dir = dirname(dir)) missing.unshift(dir);
  return missing;
}

/**
 * Write `writes` in order, then run `then` (the synth); on any failure restore every file and
 * remove the folders made for them, then rethrow.
 */
export function writeAtomically(writes: readonly PlannedWrite[], then: () => void = () => {}): void {
  const saved: Saved[] = [];
  const made: string[] = [];
  try {
    for (const { file, content } of writes) {
      if (!saved.some((s) => s.file === file))
        saved.push({ file, before: existsSync(file) ? readFileSync(file) : undefined });
      const folders = missingFolders(file);
      if (folders.length > 0) mkdirSync(dirname(file), { recursive: true });
      made.push(...folders);
      writeFileSync(file, content);
    }
    then();
  } catch (error) {
    for (const { file, before } of saved.reverse()) {
      if (before === undefined) rmSync(file, { force: true });
      else writeFileSync(file, before);
    }
    for (const dir of made.reverse()) rmdirSync(dir);
    throw error;
  }
}
