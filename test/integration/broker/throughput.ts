/**
 * Information only, not a test: raw publish and consume/ack rates of the NATS adapter against a
 * local nats-server. Run: `npx tsx test/integration/broker/throughput.ts [count]`.
 */
import { NatsBroker } from "../../../src/broker/nats/nats-broker.js";
import type { DeliveredMessage } from "../../../src/broker/port.js";
import { NatsServer } from "../../support/nats-server.js";
import { publishAll, testMessage } from "./helpers.js";
import { natsOptions } from "./nats-support.js";

const count = Number(process.argv[2] ?? 10_000);

async function consumeAll(broker: NatsBroker, batchSize: number, ackWindow: number): Promise<number> {
  const subscription = await broker.consume({ batchSize });
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let seen = 0;
  for await (const message of subscription as AsyncIterable<DeliveredMessage>) {
    const ack = message.ack().finally(() => inFlight.delete(ack));
    inFlight.add(ack);
    if (inFlight.size >= ackWindow) await Promise.race(inFlight);
    if (++seen >= count) break;
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  await subscription.stop();
  return count / seconds;
}

const server = await NatsServer.start();
try {
  for (const [batchSize, ackWindow] of [
    [10, 1],
    [100, 1],
    [100, 64],
  ] as const) {
    const options = natsOptions(server, {
      stream: `bench-${batchSize}-${ackWindow}`,
      deadLetterStream: `bench-dlq-${batchSize}-${ackWindow}`,
    });
    const broker = await NatsBroker.connect(options);
    await broker.provision();
    const messages = Array.from({ length: count }, () => testMessage());
    const t0 = performance.now();
    await publishAll(broker, messages, 256);
    const publishRate = count / ((performance.now() - t0) / 1000);
    const consumeRate = await consumeAll(broker, batchSize, ackWindow);
    console.log(
      `${count} msgs: publish ${publishRate.toFixed(0)} msg/s (256 in flight); consume+ack batch ${batchSize}, ${ackWindow} ack(s) in flight: ${consumeRate.toFixed(0)} msg/s`,
    );
    await broker.close();
  }
} finally {
  await server.stop();
}
