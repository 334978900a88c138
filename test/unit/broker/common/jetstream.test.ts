/** The JetStream pull path's pure parts, shared by both adapters: ack confirmation, ack subjects. */
import { describe, expect, it } from "vitest";
import { AckConfirmer } from "../../../../src/broker/common/jetstream/ack-confirmer.js";
import { parseAckSubject } from "../../../../src/broker/common/jetstream/ack-protocol.js";
import type { JetStreamConnection } from "../../../../src/broker/common/jetstream/connection.js";

describe("ack confirmation", () => {
  /** A connection whose flushes (PING/PONG) the test answers. */
  function connection() {
    const pongs: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
    const nc = {
      flush: () => new Promise<void>((resolve, reject) => pongs.push({ resolve, reject })),
    } as unknown as JetStreamConnection;
    return { nc, pongs };
  }
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it("confirms the acks of one turn with one PING, and later acks with the next", async () => {
    const { nc, pongs } = connection();
    const acks = new AckConfirmer(nc, 5_000);
    const first = [acks.confirm(), acks.confirm(), acks.confirm()];
    await nextTurn();
    expect(pongs).toHaveLength(1);
    const later = acks.confirm(); // written after the first PING: the first PONG does not cover it
    await nextTurn();
    expect(pongs).toHaveLength(2);
    pongs[0]!.resolve();
    await expect(Promise.all(first)).resolves.toBeDefined();
    let laterDone = false;
    void later.then(() => (laterDone = true));
    await nextTurn();
    expect(laterDone).toBe(false);
    pongs[1]!.resolve();
    await expect(later).resolves.toBeUndefined();
  });

  it("rejects when the PONG fails or does not come in time", async () => {
    const { nc, pongs } = connection();
    const acks = new AckConfirmer(nc, 50);
    const lost = acks.confirm();
    await nextTurn();
    pongs[0]!.reject(new Error("disconnected"));
    await expect(lost).rejects.toThrow(/disconnected/);
    await expect(acks.confirm()).rejects.toThrow(/no PONG within 50 ms/);
  });
});

describe("JetStream ack subjects", () => {
  it("reads delivery count and stream sequence, with or without domain and account hash", () => {
    expect(parseAckSubject("$JS.ACK.events$1.event-consumers.3.42.40.1700000000000000000.7")).toEqual({
      deliveryCount: 3,
      sequence: 42,
    });
    expect(
      parseAckSubject("$JS.ACK.hub.ACCHASH.events.event-consumers.2.9.8.1700000000000000000.0.tok"),
    ).toEqual({ deliveryCount: 2, sequence: 9 });
    expect(() => parseAckSubject("_INBOX.abc")).toThrow(
      'not a JetStream delivery (reply subject "_INBOX.abc")',
    );
    expect(() => parseAckSubject(undefined)).toThrow(/not a JetStream delivery/);
  });

  it("refuses subjects that are not ack subjects, or carry no usable numbers", () => {
    for (const reply of [
      "$JS.ACK.events.group.3.42.40.1700000000000000000", // 8 tokens
      "$JS.API.events.group.3.42.40.1700000000000000000.7", // not $JS.ACK
      "$JS.ACK.events.group.0.42.40.1700000000000000000.7", // delivery count 0
      "$JS.ACK.events.group.3.x.40.1700000000000000000.7", // sequence not a number
      "$JS.ACK.events.group..42.40.1700000000000000000.7", // empty token
    ])
      expect(() => parseAckSubject(reply), reply).toThrow(/not a JetStream delivery/);
  });

  it("gives each subject its own numbers (the token positions are reused between calls)", () => {
    const long = "$JS.ACK.hub.ACCHASH.events.event-consumers.5.77.8.1700000000000000000.0.tok";
    const short = "$JS.ACK.e.g.1.2.3.4.5";
    expect([parseAckSubject(long), parseAckSubject(short), parseAckSubject(long)]).toEqual([
      { deliveryCount: 5, sequence: 77 },
      { deliveryCount: 1, sequence: 2 },
      { deliveryCount: 5, sequence: 77 },
    ]);
  });
});
