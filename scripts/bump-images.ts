/** `npm run bump-images`: see cdk8s/config-edits/bump-images.ts. */
import { runBumpImages } from "../cdk8s/config-edits/bump-images.js";
import { runCli } from "../tooling/cli.js";

runCli("bump-images", () => {
  runBumpImages(process.argv.slice(2), { log: (line) => console.log(line) });
});
