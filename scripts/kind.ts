/** `npm run kind`: see kind/kind-command.ts. */
import { runCli } from "../tooling/cli.js";
import { runKind } from "../kind/kind-command.js";
import { dryRunShell, processShell } from "../kind/shell.js";

runCli("kind", () => {
  const argv = process.argv.slice(2);
  const log = (line: string): void => console.log(line);
  const dryRun = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : undefined).includes("--dry-run");
  return runKind(argv, { shell: dryRun ? dryRunShell(log) : processShell(log), log, env: process.env });
});
