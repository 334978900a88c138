/** `npm run set-rate`: see scripts/lib/set-rate-command.ts. */
import { runCli } from "../tooling/cli.js";
import { runSetRate } from "./lib/set-rate-command.js";

runCli("set-rate", () => {
  runSetRate(process.argv.slice(2), { log: (line) => console.log(line) });
});
