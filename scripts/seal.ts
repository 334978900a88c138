/** `npm run seal`: see scripts/lib/seal-command.ts. */
import { text } from "node:stream/consumers";
import { runCli } from "../tooling/cli.js";
import { runSeal } from "./lib/seal-command.js";

runCli("seal", async () => {
  await runSeal(process.argv.slice(2), {
    env: process.env,
    readStdin: () => text(process.stdin),
    log: (line) => console.log(line),
  });
});
