/**
 * `npm run test:shipped-node`: the apps' integration tests and the image test once more, on the
 * Node.js line that ships (.nvmrc), installed from the npm registry when this machine's node is
 * another line (testkit/shipped-node.ts). Arguments replace the default test files.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseCli, runCli } from "../tooling/cli.js";
import { REPO_ROOT } from "../tooling/repo-root.js";
import { ensureShippedNode } from "../testkit/shipped-node.js";

/** What runs on the shipped line: the real app processes and the image. */
const SHIPPED_NODE_TESTS = ["test/integration/apps", "test/delivery/image.test.ts"];

runCli("test:shipped-node", () => {
  const { positionals } = parseCli(
    {
      usage: "npm run test:shipped-node [-- <test file or folder>...]",
      description: "Run the apps' integration tests and the image test on the Node.js line in .nvmrc.",
      options: {},
      allowPositionals: true,
    },
    process.argv.slice(2),
  );
  const node = ensureShippedNode({ log: (line) => console.log(line) });
  console.log(`running on node ${node.version} (${node.node})`);
  const vitest = join(REPO_ROOT, "node_modules", "vitest", "vitest.mjs");
  const files = positionals.length > 0 ? positionals : SHIPPED_NODE_TESTS;
  const result = spawnSync(node.node, [vitest, "run", ...files], { stdio: "inherit", cwd: REPO_ROOT });
  return result.status ?? 1;
});
