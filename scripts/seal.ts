/** `npm run seal`: see scripts/lib/seal-command.ts. */
import { text } from "node:stream/consumers";
import { runSeal } from "./lib/seal-command.js";

try {
  await runSeal(process.argv.slice(2), {
    env: process.env,
    readStdin: () => text(process.stdin),
    log: (line) => console.log(line),
  });
} catch (error) {
  console.error(`seal: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
