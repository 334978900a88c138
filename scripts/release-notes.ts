/** `npm run release-notes`: see scripts/lib/release-notes.ts. */
import { runCli } from "../tooling/cli.js";
import { runReleaseNotes } from "./lib/release-notes.js";

runCli("release-notes", () => {
  process.stdout.write(`${runReleaseNotes(process.argv.slice(2))}\n`);
});
