/** `npm run -s node-lines`: prints `majors=[20,...]`, the Node.js lines engines claims, for the CI matrix. */
import { parseCli, runCli } from "../tooling/cli.js";
import { engineMajors, enginesRange } from "../tooling/node-lines.js";

runCli("node-lines", () => {
  parseCli(
    {
      usage: "npm run -s node-lines",
      description:
        "Print majors=<JSON array> of the Node.js lines package.json engines.node claims (the CI workflow's matrix).",
      options: {},
    },
    process.argv.slice(2),
  );
  console.log(`majors=${JSON.stringify(engineMajors(enginesRange()))}`);
});
