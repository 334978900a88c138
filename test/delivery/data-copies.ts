/** Temporary copies of the data files set-rate and bump-images edit, so tests never touch the real ones. */
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
