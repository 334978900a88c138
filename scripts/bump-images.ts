/** `npm run bump-images`: see scripts/lib/bump-images-command.ts. */
import { runBumpImages } from "./lib/bump-images-command.js";

try {
  runBumpImages(process.argv.slice(2), { log: (line) => console.log(line) });
} catch (error) {
  console.error(`bump-images: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
