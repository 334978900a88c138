/** The Memphis adapter's pure parts: endpoint and credential mapping. */
import { describe, expect, it } from "vitest";
import { connectOptions, parseEndpoint } from "../../../../src/broker/memphis/connection.js";
import { testBrokerOptions } from "../../../support/broker-options.js";

describe("Memphis connection options", () => {
  it("parses the endpoint and passes a password or a token to the SDK", () => {
    expect(parseEndpoint("localhost:6666")).toEqual({ host: "127.0.0.1", port: 6666 });
    expect(parseEndpoint("memphis.memphis.svc.cluster.local")).toEqual({
      host: "memphis.memphis.svc.cluster.local",
      port: 6666,
    });
    expect(() => parseEndpoint("a:6666,b:6666")).toThrow(/Memphis broker URL .* one host:port/);
    expect(() => parseEndpoint("127.0.0.1:99999")).toThrow(/Memphis broker URL .*invalid port/);
    const base = testBrokerOptions(
      { kind: "memphis", url: "127.0.0.1:6666", monitorUrl: "http://127.0.0.1:8222", account: "$memphis" },
      { username: "root", password: "pw-secret-1" },
    );
    expect(connectOptions(base)).toMatchObject({ username: "root", password: "pw-secret-1" });
    const withToken = connectOptions({ ...base, password: undefined, token: "tok-1" });
    expect(withToken).toMatchObject({ username: "root", connectionToken: "tok-1" });
    expect(withToken).not.toHaveProperty("password");
  });
});
