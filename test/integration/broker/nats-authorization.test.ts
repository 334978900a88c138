/**
 * The NATS authorization the NATS Application deploys, on a real nats-server started with exactly
 * the configuration fragment the chart renders from the Application's `config.merge`
 * (formatNatsConfig, the chart's own formatting) and the passwords in the environment the
 * fragment refers to: who may connect, and what each identity may do (the matrix of
 * ./nats-permissions.ts). The negative control runs the same probes on a server without the
 * fragment, where every one of them is allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  formatNatsConfig,
  NATS_CLIENT_ROLES,
  NATS_PASSWORD_KEYS,
  NATS_USERNAMES,
} from "../../../cdk8s/lib/nats-authorization.js";
import { NatsServer } from "../../support/nats-server.js";
import {
  ACTIONS,
  connectAs,
  connectOutcome,
  EXPECTED,
  natsApplicationValues,
  only,
  probeActions,
  probeMatrix,
  testPasswords,
  topLevelEntries,
} from "./nats-permissions.js";

describe("NATS authorization as deployed, on a real nats-server", () => {
  const values = natsApplicationValues();
  const fragment = formatNatsConfig(values.config.merge);
  const passwords = testPasswords();
  let server: NatsServer;

  beforeAll(async () => {
    server = await NatsServer.start({ extraConfig: topLevelEntries(fragment), env: passwords });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("takes the fragment the chart renders: users with passwords from the environment, no anonymous user", () => {
    expect(fragment).toContain('"authorization"');
    for (const key of Object.values(NATS_PASSWORD_KEYS).filter((k) => k !== NATS_PASSWORD_KEYS.route))
      expect(fragment).toContain(`"password": $${key}`);
    expect(fragment).not.toMatch(/no_auth_user/);
    // no password in the clear: every one is a variable
    for (const password of Object.values(passwords)) expect(fragment).not.toContain(password);
  });

  it("refuses anonymous clients and wrong passwords; the right password gets in", async () => {
    const producer = NATS_USERNAMES.producer;
    const outcomes = {
      anonymous: await connectOutcome(server.url),
      "wrong password": await connectOutcome(server.url, producer, "not-the-password"),
      "another user's password": await connectOutcome(
        server.url,
        producer,
        passwords[NATS_PASSWORD_KEYS.consumer],
      ),
      "right password": await connectOutcome(server.url, producer, passwords[NATS_PASSWORD_KEYS.producer]),
    };
    console.log(`[nats-authorization] connect: ${JSON.stringify(outcomes)}`);
    expect(outcomes).toEqual({
      anonymous: "refused",
      "wrong password": "refused",
      "another user's password": "refused",
      "right password": "allowed",
    });
  });

  it("lets each identity do what its work needs and refuses everything else", async () => {
    const matrix = await probeMatrix(server.url, passwords);
    for (const role of NATS_CLIENT_ROLES)
      console.log(`[nats-authorization] ${role}: ${JSON.stringify(matrix[role])}`);
    expect(matrix).toEqual(EXPECTED);
  });
});

describe("negative control: the same probes on a server without the authorization fragment", () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await NatsServer.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("connects anonymously and is allowed every action, so a refusal above is the fragment's doing", async () => {
    expect(await connectOutcome(server.url)).toBe("allowed");
    const nc = await connectAs(server.url);
    const publisher = await connectAs(server.url);
    try {
      expect(await probeActions(nc, publisher)).toEqual(only(ACTIONS));
    } finally {
      await Promise.all([nc.close(), publisher.close()]);
    }
  });
});
