import { describe, expect, it } from "vitest";
import { depthFromJsz, jszUrl } from "../../../../src/broker/common/jsz.js";

const target = { monitorUrl: "http://a:8222/", account: "$G", stream: "events", consumer: "event-consumers" };

describe("/jsz queue depth", () => {
  it("builds the URL KEDA's nats-jetstream scaler polls", () => {
    expect(jszUrl(target)).toBe("http://a:8222/jsz?acc=%24G&consumers=true&config=true");
  });

  it("sums num_pending and num_ack_pending of the named consumer", () => {
    const body = {
      account_details: [
        { name: "other", stream_detail: [] },
        {
          name: "$G",
          stream_detail: [
            { name: "events-dlq", consumer_detail: [] },
            {
              name: "events",
              consumer_detail: [
                { name: "someone-else", num_pending: 100, num_ack_pending: 100 },
                { name: "event-consumers", num_pending: 7, num_ack_pending: 3 },
              ],
            },
          ],
        },
      ],
    };
    expect(depthFromJsz(body, target)).toEqual({ pending: 7, ackPending: 3, total: 10 });
  });

  it("names what is missing", () => {
    expect(() => depthFromJsz({ account_details: [] }, target)).toThrow(/account "\$G" not found/);
    expect(() => depthFromJsz({ account_details: [{ name: "$G", stream_detail: [] }] }, target)).toThrow(
      /stream "events" not found/,
    );
    expect(() =>
      depthFromJsz({ account_details: [{ name: "$G", stream_detail: [{ name: "events" }] }] }, target),
    ).toThrow(/consumer "event-consumers" not found/);
  });
});
