/** The live status fits an 80-column terminal, header and rows, with the scaler's columns. */
import { describe, expect, it } from "vitest";
import { formatStatus, STATUS_HEADER, STATUS_WIDTH, type StatusRow } from "../../../local/status.js";

const widest: StatusRow = {
  elapsedSeconds: 99_999,
  publishRate: 99_999.9,
  lag: 9_999_999,
  replicas: { desired: 100, ready: 100, total: 100 },
  consumeRate: 99_999.9,
  p99Ms: 99_999.9,
  published: 999_999_999,
  processed: 999_999_999,
};

describe("live status", () => {
  it("the width limit is an 80-column terminal", () => expect(STATUS_WIDTH).toBe(80));

  it("header and the widest row fit, with lag, desired and ready/total", () => {
    expect(STATUS_HEADER.length).toBeLessThanOrEqual(STATUS_WIDTH);
    expect(STATUS_HEADER).toMatch(/lag.*desired.*ready\/total/);
    expect(formatStatus(widest).length).toBeLessThanOrEqual(STATUS_WIDTH);
  });

  it("columns stay aligned under the header", () => {
    const row = formatStatus({ ...widest, lag: 12, replicas: { desired: 3, ready: 2, total: 3 } });
    expect(row.length).toBe(STATUS_HEADER.length);
    expect(row).toContain("2/3");
    // Negative control: the old 10-column layout (112 wide) would not fit.
    expect(
      "  time │ target/s │ publish/s │ pending │ ack-pend │ consume/s │ e2e p50 ms │ e2e p99 ms │ published │ processed"
        .length,
    ).toBeGreaterThan(STATUS_WIDTH);
  });

  it("a fixed consumer count shows no desired value", () => {
    expect(formatStatus({ ...widest, replicas: { desired: undefined, ready: 2, total: 2 } })).toMatch(
      / - +2\/2 /,
    );
  });
});
