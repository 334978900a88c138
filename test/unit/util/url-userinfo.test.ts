import { describe, expect, it } from "vitest";
import { withoutUserinfo } from "../../../src/util/url-userinfo.js";

describe("withoutUserinfo", () => {
  it("drops the userinfo of every entry, an unescaped @ in the password included", () => {
    expect(withoutUserinfo("nats://user:p@ss@nats.messaging:4222")).toBe("nats://nats.messaging:4222");
    expect(withoutUserinfo("http://m:pw@a:8222,http://b:8222/,tls://t0ken@c:4222")).toBe(
      "http://a:8222,http://b:8222/,tls://c:4222",
    );
    expect(withoutUserinfo("root:pw@127.0.0.1:6666")).toBe("127.0.0.1:6666");
  });

  it("leaves URLs without userinfo, and an @ after the host, as they are", () => {
    for (const url of [
      "nats://127.0.0.1:4222",
      "127.0.0.1:6666",
      "http://h:8222/jsz?acc=a@b",
      "http://h/p@q",
    ])
      expect(withoutUserinfo(url)).toBe(url);
  });
});
