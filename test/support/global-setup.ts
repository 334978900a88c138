/**
 * Runs once before the whole suite: installs the Debian tools the tests need when they are
 * missing (root only; otherwise a clear message), so parallel test files never race apt.
 */
import { ensureDebianTool, CHROMIUM, NATS_SERVER, PROMETHEUS, PROMTOOL } from "../../testkit/debian-tools.js";

export default function setup(): void {
  for (const tool of [NATS_SERVER, PROMTOOL, PROMETHEUS, CHROMIUM])
    ensureDebianTool(tool, (line) => console.log(line));
}
