/**
 * No credential reaches a log line or an error: both built apps are started with a distinct
 * credential string in every place one can be given — userinfo of BROKER_URL and of
 * BROKER_MONITOR_URL, BROKER_USERNAME, BROKER_PASSWORD, BROKER_TOKEN, on NATS and on Memphis (the
 * stand-in) — working, refused by the broker, with the monitoring endpoint unreachable, and invalid
 * (exit 2); every byte of their stdout and stderr is scanned for every credential string. A run
 * proves it saw the lines that matter (the "starting" line, a published and a consumed message, the
 * refusal), so the scan cannot pass on an empty log. Negative control: the apps built from the code
 * before URLs were printed without userinfo, run by this test, leaked 20 credential strings on
 * NATS and 10 on Memphis: BROKER_URL's and BROKER_MONITOR_URL's userinfo in the "starting" line of
 * both apps, both quoted by the configuration errors, and BROKER_USERNAME in Memphis's refusal.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startMemphisStandIn, type MemphisStandIn } from "../../../testkit/memphis-stand-in.js";
import { AppProcess, type AppName } from "../../support/app-process.js";
import { freePort, NatsServer } from "../../support/nats-server.js";
import { waitFor } from "../../../testkit/poll.js";

/** A credential string no log would hold by chance. */
const credential = (what: string) => `${what}-${randomBytes(6).toString("hex")}`;

const SECRETS = {
  urlUser: credential("url-user"),
  urlPassword: credential("url-pass"),
  monitorUser: credential("mon-user"),
  monitorPassword: credential("mon-pass"),
  envUser: credential("env-user"),
  envPassword: credential("env-pass"),
  token: credential("env-token"),
  wrongPassword: credential("wrong-pass"),
};

/** Every credential string found in `text`. */
function leaked(text: string, extra: readonly string[] = []): string[] {
  return [...Object.values(SECRETS), ...extra].filter((secret) => text.includes(secret));
}

/** A monitoring URL with userinfo (node:http sends it as basic auth; nats-server ignores it). */
const monitorWithCredentials = (monitorUrl: string) =>
  monitorUrl.replace("://", `://${SECRETS.monitorUser}:${SECRETS.monitorPassword}@`);

const output = (app: AppProcess) => `${app.stdout}\n${app.stderr}`;

describe("no credential in any output of either app", { timeout: 120_000 }, () => {
  const servers: { stop(): Promise<void> }[] = [];
  const scanned: AppProcess[] = [];

  afterEach(async () => {
    await AppProcess.killAll();
    for (const server of servers.splice(0)) await server.stop();
    scanned.splice(0);
  });

  /** Start `app` with `env` and keep it for the scan. */
  async function start(app: AppName, env: Record<string, string>, name: string): Promise<AppProcess> {
    const process = await AppProcess.start(app, { LOG_LEVEL: "debug", ...env }, name);
    scanned.push(process);
    return process;
  }

  /** Run a producer (5 messages) and a consumer until the consumer settled them, then stop both. */
  async function runBoth(env: Record<string, string>, label: string): Promise<void> {
    const consumer = await start("consumer", env, `${label}-consumer`);
    await consumer.waitReady();
    const producer = await start(
      "producer",
      { ...env, RATE_PER_SECOND: "50", MESSAGE_LIMIT: "5" },
      `${label}-producer`,
    );
    expect((await producer.exited).code, producer.stderr).toBe(0);
    await waitFor(`${label}: 5 messages settled`, () =>
      consumer.logs().filter((l) => l.msg === "message settled").length >= 5 ? true : undefined,
    );
    expect((await consumer.kill("SIGTERM")).code, consumer.stderr).toBe(0);
    for (const app of [producer, consumer]) expect(app.lastLog("starting"), app.name).toBeDefined();
  }

  it("NATS: credentials in the URLs, user and password, a token; refused; monitoring unreachable; invalid", async () => {
    const users = await NatsServer.start({
      extraConfig: [
        "authorization {",
        "  users: [",
        `    { user: ${JSON.stringify(SECRETS.envUser)}, password: ${JSON.stringify(SECRETS.envPassword)} }`,
        "  ]",
        "}",
      ].join("\n"),
    });
    servers.push(users);
    const tokenServer = await NatsServer.start({
      extraConfig: `authorization { token: ${JSON.stringify(SECRETS.token)} }`,
    });
    servers.push(tokenServer);
    // nats.js takes no credential from the URL's userinfo: the user and password authenticate, the
    // URL's userinfo is only there to be printed (or not).
    const withUrlCredentials = {
      ...users.appEnv,
      BROKER_URL: users.url.replace("://", `://${SECRETS.urlUser}:${SECRETS.urlPassword}@`),
      BROKER_MONITOR_URL: monitorWithCredentials(users.monitorUrl),
      BROKER_USERNAME: SECRETS.envUser,
      BROKER_PASSWORD: SECRETS.envPassword,
    };
    await runBoth(withUrlCredentials, "nats-url-and-user");
    await runBoth({ ...tokenServer.appEnv, BROKER_TOKEN: SECRETS.token }, "nats-token");

    // Refused by the broker: each app fails to start (exit 1) and says why.
    for (const app of ["producer", "consumer"] as const) {
      const refused = await start(
        app,
        {
          ...users.appEnv,
          RATE_PER_SECOND: "1",
          BROKER_USERNAME: SECRETS.envUser,
          BROKER_PASSWORD: SECRETS.wrongPassword,
        },
        `nats-refused-${app}`,
      );
      expect((await refused.exited).code, output(refused)).toBe(1);
      expect(refused.stderr).toMatch(/authorization|authentication/i);
    }

    // The monitoring endpoint unreachable: the queue-depth failure names the URL.
    const closedPort = await freePort();
    const unreachable = await start(
      "consumer",
      {
        ...withUrlCredentials,
        BROKER_MONITOR_URL: `http://${SECRETS.monitorUser}:${SECRETS.monitorPassword}@127.0.0.1:${closedPort}`,
      },
      "nats-monitor-unreachable",
    );
    await waitFor("a queue-depth failure logged", () =>
      unreachable.logs().some((l) => JSON.stringify(l).includes(`127.0.0.1:${closedPort}`))
        ? true
        : undefined,
    );
    await unreachable.kill("SIGTERM");

    // Invalid, exit 2 at once.
    for (const extra of [
      { BROKER_URL: `nats://${SECRETS.urlUser}:${SECRETS.urlPassword}@127.0.0.1:4222/path` },
      { BROKER_MONITOR_URL: `ftp://${SECRETS.monitorUser}:${SECRETS.monitorPassword}@127.0.0.1:8222` },
      { BROKER_USERNAME: SECRETS.envUser, BROKER_TOKEN: SECRETS.token, BROKER_PASSWORD: SECRETS.envPassword },
    ] as Record<string, string>[])
      for (const app of ["producer", "consumer"] as const) {
        const invalid = await start(
          app,
          { ...users.appEnv, RATE_PER_SECOND: "1", ...extra },
          `nats-invalid-${app}`,
        );
        expect((await invalid.exited).code, output(invalid)).toBe(2);
        expect(invalid.stderr).toMatch(/invalid configuration/);
      }

    const found = scanned.flatMap((app) => leaked(output(app)).map((secret) => `${app.name}: ${secret}`));
    expect(found).toEqual([]);
  });

  it("Memphis: the password and the user, credentials in the monitoring URL; refused; invalid", async () => {
    const standIn: MemphisStandIn = await startMemphisStandIn({ username: SECRETS.envUser });
    servers.push(standIn);
    await runBoth(
      { ...standIn.env, BROKER_MONITOR_URL: monitorWithCredentials(standIn.monitorUrl) },
      "memphis",
    );
    for (const app of ["producer", "consumer"] as const) {
      const refused = await start(
        app,
        { ...standIn.env, RATE_PER_SECOND: "1", BROKER_PASSWORD: SECRETS.wrongPassword },
        `memphis-refused-${app}`,
      );
      expect((await refused.exited).code, output(refused)).toBe(1);
    }
    for (const app of ["producer", "consumer"] as const) {
      const invalid = await start(
        app,
        {
          ...standIn.env,
          RATE_PER_SECOND: "1",
          BROKER_URL: `${SECRETS.urlUser}:${SECRETS.urlPassword}@127.0.0.1:1,127.0.0.1:2`,
        },
        `memphis-invalid-${app}`,
      );
      expect((await invalid.exited).code, output(invalid)).toBe(2);
    }
    const found = scanned.flatMap((app) =>
      leaked(output(app), [standIn.password]).map((secret) => `${app.name}: ${secret}`),
    );
    expect(found).toEqual([]);
  });
});
