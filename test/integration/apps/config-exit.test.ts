/**
 * The built apps refuse, at start-up with exit 2, what their contract's broker-specific rules and
 * retired variables forbid; the same environment with the one value fixed gets past configuration
 * (it logs "starting", the line after validation) — the negative control.
 */
import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  /** The one stderr line of an app that exited at start-up. */
  const onlyLine = (app: AppProcess) => {
    const lines = app.stderr.trim().split("\n");
    expect(lines, app.stderr).toHaveLength(1);
    expect(app.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/); // no stack trace
    return lines[0]!;
  };

  it("SINK_DIR naming a file, a place under /sys, or blank exits 2 with one line; not writable exits 1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sink-dir-"));
    try {
      const file = join(dir, "a-file");
      await writeFile(file, "x");
      for (const [sinkDir, code, pattern] of [
        [file, 2, /^consumer: SINK_DIR ".*a-file": cannot hold the effect sink \(ENOTDIR/],
        [
          "/sys/kernel/effects",
          2,
          /^consumer: SINK_DIR "\/sys\/kernel\/effects": cannot hold the effect sink \(EPERM/,
        ],
        ["  ", 2, /^\s*SINK_DIR: is blank/m],
      ] as const) {
        const bad = await AppProcess.start("consumer", { ...memphisEnv, SINK_DIR: sinkDir });
        expect((await bad.exited).code, bad.stderr).toBe(code);
        if (sinkDir.trim() !== "") expect(onlyLine(bad)).toMatch(pattern);
        else expect(bad.stderr).toMatch(pattern);
      }
      // Not writable is the environment's (exit 1); root ignores directory modes, so only as another user.
      if (process.getuid?.() !== 0) {
        const readOnly = join(dir, "read-only");
        await mkdir(readOnly, { mode: 0o500 });
        const bad = await AppProcess.start("consumer", { ...memphisEnv, SINK_DIR: readOnly });
        expect((await bad.exited).code, bad.stderr).toBe(1);
        expect(onlyLine(bad)).toMatch(/SINK_DIR .*\(EACCES/);
      }
      await passesConfiguration(
        await AppProcess.start("consumer", { ...memphisEnv, SINK_DIR: join(dir, "sink") }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("HTTP_PORT in use exits 1 with one line naming HTTP_PORT; a free one gets past it", async () => {
    const taken = createServer();
    taken.listen(0, "0.0.0.0");
    await once(taken, "listening");
    const port = (taken.address() as AddressInfo).port;
    try {
      for (const app of ["producer", "consumer"] as const) {
        const bad = await AppProcess.start(app, {
          ...memphisEnv,
          RATE_PER_SECOND: "1",
          HTTP_PORT: String(port),
        });
        expect((await bad.exited).code, bad.stderr).toBe(1);
        expect(onlyLine(bad)).toMatch(new RegExp(`^${app}: start failed: HTTP_PORT ${port}: .*EADDRINUSE`));
      }
    } finally {
      taken.close();
    }
    await passesConfiguration(await AppProcess.start("consumer", memphisEnv));
  });
});
