/**
 * The last N messages of one topic, stored by column in typed arrays, previews included: a million
 * history entries as objects with a typed array each took ~600 MB of RSS (scripts/explore-measure.ts),
 * and a string per preview still made the garbage collector churn at every message. Here a message
 * costs no allocation at all once a topic's columns have grown; they grow by doubling up to the
 * cap, so a topic that saw one message does not pay for a hundred.
 */
import type { QoS } from './limits.js';

export interface HistoryEntry {
  at: number;
  /** The first HISTORY_PREVIEW_BYTES of the payload. */
  preview: Uint8Array;
  size: number;
  qos: QoS;
  retain: boolean;
  /** The payload read as a number (`21.5`, `21.5 °C`), when it is one. */
  value: number | undefined;
}

/**
 * Bytes of each history entry's payload kept: the table shows one line of it, so a history of a
 * hundred large messages costs a hundred short previews, not a hundred payloads.
 */
const HISTORY_PREVIEW_BYTES = 64;

const INITIAL = 4;

export class History {
  private at = new Float64Array(0);
  private values = new Float64Array(0);
  private sizes = new Uint32Array(0);
  /** Bits 0-1: QoS; bit 2: retain; bit 3: a value is present. */
  private flags = new Uint8Array(0);
  /** HISTORY_PREVIEW_BYTES a slot; a preview's length is min(size, HISTORY_PREVIEW_BYTES). */
  private previews = new Uint8Array(0);
  private count = 0;
  /** Slot of the oldest entry, once the ring is full. */
  private head = 0;

  constructor(private readonly cap: number) {}

  get length(): number {
    return this.count;
  }

  add(at: number, payload: Uint8Array, qos: QoS, retain: boolean, value: number | undefined): void {
    if (this.cap <= 0) return;
    let slot: number;
    if (this.count < this.cap) {
      if (this.count === this.at.length) this.grow();
      slot = this.count++;
    } else {
      slot = this.head;
      this.head = (this.head + 1) % this.cap;
    }
    this.at[slot] = at;
    this.values[slot] = value ?? 0;
    this.sizes[slot] = Math.min(payload.length, 0xffffffff);
    this.flags[slot] = qos | (retain ? 4 : 0) | (value !== undefined ? 8 : 0);
    this.previews.set(payload.subarray(0, HISTORY_PREVIEW_BYTES), slot * HISTORY_PREVIEW_BYTES);
  }

  /** The entries, oldest first (built on demand: only the selected topic's are ever shown). */
  entries(): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.count;
      const f = this.flags[slot]!;
      const size = this.sizes[slot]!;
      const start = slot * HISTORY_PREVIEW_BYTES;
      out.push({
        at: this.at[slot]!,
        preview: this.previews.slice(start, start + Math.min(size, HISTORY_PREVIEW_BYTES)),
        size,
        qos: (f & 3) as QoS,
        retain: (f & 4) !== 0,
        value: f & 8 ? this.values[slot]! : undefined,
      });
    }
    return out;
  }

  private grow(): void {
    const size = Math.min(this.cap, Math.max(INITIAL, this.at.length * 2));
    const at = new Float64Array(size);
    at.set(this.at);
    const values = new Float64Array(size);
    values.set(this.values);
    const sizes = new Uint32Array(size);
    sizes.set(this.sizes);
    const flags = new Uint8Array(size);
    flags.set(this.flags);
    this.at = at;
    this.values = values;
    this.sizes = sizes;
    this.flags = flags;
    const previews = new Uint8Array(size * HISTORY_PREVIEW_BYTES);
    previews.set(this.previews);
    this.previews = previews;
  }
}
