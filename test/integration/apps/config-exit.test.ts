/**
 * The built apps refuse, at start-up with exit 2, what their contract's broker-specific rules and
 * retired variables forbid; the same environment with the one value fixed gets past configuration
 * (it logs "starting", the line after validation) — the negative control.
 */
import { afterAll, describe, expect, it } from "vitest";
import { AppProcess } from "../../support/app-process.js";
import { waitFor } from "../../../testkit/poll.js";

/** Nothing listens there: a valid configuration gets as far as connecting. */
const memphisEnv = {
  BROKER: "memphis",
  BROKER_URL: "127.0.0.1:9",
  BROKER_MONITOR_URL: "http://127.0.0.1:9",
  BROKER_USERNAME: "root",
  BROKER_PASSWORD: "pw-secret-123",
};

async function passesConfiguration(app: AppProcess): Promise<void> {
  await waitFor(`${app.name} past configuration`, () => {
    if (!app.isRunning) throw new Error(`${app.name} exited: ${app.stderr}`);
    return app.lastLog("starting") !== undefined;
  });
  await app.kill("SIGKILL");
}

describe("start-up refusals of the contract's rules", () => {
  afterAll(() => AppProcess.killAll());

  it("BROKER=memphis: a password and a token together exit 2, naming the variable and printing neither", async () => {
    const bad = await AppProcess.start("consumer", { ...memphisEnv, BROKER_TOKEN: "tok-secret-456" });
    const exit = await bad.exited;
    expect(exit.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(
      /^\s+BROKER_TOKEN: BROKER=memphis takes BROKER_PASSWORD or BROKER_TOKEN, not both/m,
    );
    expect(bad.stderr).not.toContain("pw-secret-123");
    expect(bad.stderr).not.toContain("tok-secret-456");
    await passesConfiguration(await AppProcess.start("consumer", memphisEnv));
  });

  it("RATE (the original system's variable) exits 2 with a pointer to RATE_PER_SECOND", async () => {
    const env = { ...memphisEnv, RATE_PER_SECOND: "5" };
    const bad = await AppProcess.start("producer", { ...env, RATE: "0.2" });
    const exit = await bad.exited;
    expect(exit.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/^\s+RATE: is not read: use RATE_PER_SECOND \(messages per second\)$/m);
    await passesConfiguration(await AppProcess.start("producer", env));
  });
});
