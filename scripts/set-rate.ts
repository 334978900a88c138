/** `npm run set-rate`: see scripts/lib/set-rate-command.ts. */
import { runSetRate } from "./lib/set-rate-command.js";

try {
  runSetRate(process.argv.slice(2), { log: (line) => console.log(line) });
} catch (error) {
  console.error(`set-rate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
