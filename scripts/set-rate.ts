/** `npm run set-rate`: see cdk8s/config-edits/set-rate.ts. */
import { runSetRate } from "../cdk8s/config-edits/set-rate.js";
import { runCli } from "../tooling/cli.js";

runCli("set-rate", () => {
  runSetRate(process.argv.slice(2), { log: (line) => console.log(line) });
});
