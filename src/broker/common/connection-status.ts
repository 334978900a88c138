/**
 * What the connection watch and the stale-socket guard read of a NATS connection (the NATS
 * client's own, or the one inside the Memphis SDK): its stream of statuses.
 */

/** The part of a status both NATS client generations (nats-core 3, nats 2 in memphis-dev) share. */
export interface ConnectionStatus {
  readonly type: string;
}

/** A nats.js connection (3.x, or 2.x inside memphis-dev) as far as its statuses go. */
export interface StatusSource<S extends ConnectionStatus> {
  status(): AsyncIterable<S>;
}
