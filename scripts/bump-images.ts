/** `npm run bump-images`: see scripts/lib/bump-images-command.ts. */
import { runCli } from "../tooling/cli.js";
import { runBumpImages } from "./lib/bump-images-command.js";

runCli("bump-images", () => {
  runBumpImages(process.argv.slice(2), { log: (line) => console.log(line) });
});
