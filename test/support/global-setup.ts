/**
 * Runs once before the whole suite: installs the Debian tools the tests need when they are
 * missing (root only; otherwise a clear message), so parallel test files never race apt.
 */
import {
  ensureDebianTool,
  CHROMIUM,
  NATS_SERVER,
  PROMETHEUS,
  PROMTOOL,
  SHELLCHECK,
} from "../../testkit/debian-tools.js";

export default function setup(): void {
  for (const tool of [NATS_SERVER, PROMTOOL, PROMETHEUS, CHROMIUM, SHELLCHECK])
    ensureDebianTool(tool, (line) => console.log(line));
}
