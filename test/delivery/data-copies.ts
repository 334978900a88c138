/** Temporary copies of the data files set-rate and bump-images edit, so tests never touch the real ones. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { DATA_FILES } from "../../cdk8s/config-edits/data-edit.js";

export interface DataCopies {
  /** The temporary folder (remove it after the test). */
  readonly dir: string;
  readonly rates: string;
  readonly images: string;
  /** The copies' text before the test ran. */
  readonly originalRates: string;
  readonly originalImages: string;
}

export function copyDataFiles(prefix: string): DataCopies {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const rates = join(dir, "producer-rates.json");
  const images = join(dir, "images.json");
  copyFileSync(DATA_FILES.producerRates, rates);
  copyFileSync(DATA_FILES.images, images);
  return {
    dir,
    rates,
    images,
    originalRates: readFileSync(rates, "utf8"),
    originalImages: readFileSync(images, "utf8"),
  };
}

/**
 * Fresh copies for every test of the calling file: the returned object's fields are replaced before
 * each test and the folder is removed after it.
 */
export function useDataCopies(prefix: string): DataCopies {
  const current = {} as { -readonly [K in keyof DataCopies]: DataCopies[K] };
  beforeEach(() => {
    Object.assign(current, copyDataFiles(prefix));
  });
  afterEach(() => rmSync(current.dir, { recursive: true, force: true }));
  return current;
}
