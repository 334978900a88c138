/**
 * `npm run tool-versions -- [install <command>@<version>...]`: list the server versions the tests
 * can select (testkit/tool-versions.ts) with whether each is in the cache, or install the named
 * ones (all with `install --all`).
 */
import { existsSync } from "node:fs";
import { parseCli, runCli, CliExit } from "../tooling/cli.js";
import { cachedBinaryPath, installTool } from "../testkit/tool-cache.js";
import {
  findToolVersion,
  TOOL_VERSIONS,
  VERSION_ENV,
  type VersionedCommand,
} from "../testkit/tool-versions.js";

runCli("tool-versions", () => {
  const { values, positionals } = parseCli(
    {
      usage: "npm run tool-versions -- [install (<command>@<version>... | --all)]",
      description:
        "List the nats-server and promtool versions the tests can select, or install some into the cache.",
      options: { all: { type: "boolean", help: "with install: every version in the catalogue" } },
      allowPositionals: true,
    },
    process.argv.slice(2),
  );
  const [verb, ...names] = positionals;
  if (verb === undefined) {
    for (const tool of TOOL_VERSIONS) {
      const path = cachedBinaryPath(tool);
      console.log(
        `${tool.command}@${tool.version}  ${existsSync(path) ? `installed ${path}` : "not installed"}  ` +
          `(${VERSION_ENV[tool.command]}=${tool.version}: ${tool.why})`,
      );
    }
    return 0;
  }
  if (verb !== "install") throw new CliExit(2, `unknown command ${verb}: the one command is install`);
  const tools =
    values.all === true
      ? TOOL_VERSIONS
      : names.map((name) => {
          const [command, version] = name.split("@");
          const tool = findToolVersion(command as VersionedCommand, version ?? "");
          if (tool === undefined) throw new CliExit(2, `${name}: not in testkit/tool-versions.ts`);
          return tool;
        });
  if (tools.length === 0) throw new CliExit(2, "install: name <command>@<version> or --all");
  for (const tool of tools)
    console.log(`${tool.command}@${tool.version}: ${installTool(tool, undefined, (l) => console.log(l))}`);
  return 0;
});
