/**
 * Stream message counts from a NATS monitoring endpoint (`/jsz`), for a plain nats-server and for a
 * Memphis station alike (a station `events` is the stream `events$1`).
 */
interface JszStream {
  readonly name: string;
  readonly state: { readonly messages: number; readonly last_seq: number };
}
interface Jsz {
  readonly account_details?: readonly {
    readonly name: string;
    readonly stream_detail?: readonly JszStream[];
  }[];
}

/** Messages stored in the stream named `stream` (or `stream$<n>`) of `account`; 0 when absent. */
export async function streamMessages(monitorUrl: string, account: string, stream: string): Promise<number> {
  const response = await fetch(`${monitorUrl}/jsz?acc=${encodeURIComponent(account)}&streams=true`, {
    signal: AbortSignal.timeout(5_000),
  });
  const jsz = (await response.json()) as Jsz;
  const details = jsz.account_details?.find((a) => a.name === account)?.stream_detail ?? [];
  return details
    .filter(
      (s) => s.name === stream || new RegExp(`^${stream.replace(/[.$]/g, "\\$&")}\\$\\d+$`).test(s.name),
    )
    .reduce((sum, s) => sum + s.state.messages, 0);
}
