import { ConnackError, ConnectError, ConnectionLostError, type TsmqttError } from '../errors.js';

/** Retry after 1 s, doubling up to 30 s; a successful connection starts over at 1 s. */
const RECONNECT_FIRST_DELAY_MS = 1000;
const RECONNECT_MAX_DELAY_MS = 30_000;
/**
 * An MQTT 3 broker hands the session to another client with the same id by closing our
 * connection without a word. A loss right after a reconnect that succeeded at once, this many
 * times in a row, is taken for such a fight (mosquitto_sub would fight forever).
 */
const TAKEOVER_LOSSES = 3;

export class Reconnector {
  private delay = RECONNECT_FIRST_DELAY_MS;
  private attempts = 0;
  private quickLosses = 0;

  /** Returns why to stop rather than reconnect, if the losses look like a fight over the id. */
  lost(clientId: string): string | undefined {
    // Lost again after a reconnect that needed a single attempt: the broker is up but drops us.
    if (this.attempts === 1) this.quickLosses++;
    else if (this.attempts > 1) this.quickLosses = 0;
    this.attempts = 0;
    this.delay = RECONNECT_FIRST_DELAY_MS;
    if (this.quickLosses < TAKEOVER_LOSSES) return undefined;
    return `closed ${this.quickLosses} times in a row right after reconnecting: is another client using the client id '${clientId}'? Not reconnecting`;
  }
  attempted(): void {
    this.attempts++;
  }
  failed(): void {
    this.delay = Math.min(this.delay * 2, RECONNECT_MAX_DELAY_MS);
  }
  delayMs(): number {
    return this.delay;
  }
  delaySec(): number {
    return this.delay / 1000;
  }
}

/** A refusal worth retrying: the broker is not there yet (or closed before CONNACK), or says it is busy. */
export function retryable(err: TsmqttError): boolean {
  if (err instanceof ConnectError || err instanceof ConnectionLostError) return true;
  if (err instanceof ConnackError) return [3, 136, 137, 159].includes(err.reasonCode);
  return false;
}
