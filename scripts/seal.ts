/** `npm run seal`: see cdk8s/secrets/seal-command.ts. */
import { text } from "node:stream/consumers";
import { runSeal } from "../cdk8s/secrets/seal-command.js";
import { runCli } from "../tooling/cli.js";

runCli("seal", async () => {
  await runSeal(process.argv.slice(2), {
    env: process.env,
    readStdin: () => text(process.stdin),
    log: (line) => console.log(line),
  });
});
