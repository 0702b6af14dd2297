import type { IClientOptions } from 'mqtt';

type MessageIdProvider = NonNullable<IClientOptions['messageIdProvider']>;

const MAX_ID = 0xffff;

/**
 * Packet identifiers for a long stream: handed out in order, wrapping from 65535 to 1, but never
 * one that is still waiting for its acknowledgement. MQTT.js's default provider wraps blindly, so
 * an id could be reused while its first message is unacknowledged if acknowledgements ever came
 * out of order; a full table makes MQTT.js queue the publish until an id is free.
 */
export class PacketIdAllocator implements MessageIdProvider {
  private readonly inUse = new Uint8Array(MAX_ID + 1);
  private count = 0;
  private next = 1;
  private last: number | null = null;

  allocate(): number | null {
    if (this.count >= MAX_ID) return null;
    let id = this.next;
    while (this.inUse[id] === 1) id = id === MAX_ID ? 1 : id + 1;
    this.inUse[id] = 1;
    this.count++;
    this.last = id;
    this.next = id === MAX_ID ? 1 : id + 1;
    return id;
  }

  getLastAllocated(): number | null {
    return this.last;
  }

  register(id: number): boolean {
    if (id < 1 || id > MAX_ID || this.inUse[id] === 1) return false;
    this.inUse[id] = 1;
    this.count++;
    return true;
  }

  deallocate(id: number): void {
    if (this.inUse[id] !== 1) return;
    this.inUse[id] = 0;
    this.count--;
  }

  clear(): void {
    this.inUse.fill(0);
    this.count = 0;
  }

  /** Ids currently awaiting an acknowledgement. */
  get inFlight(): number {
    return this.count;
  }
}
