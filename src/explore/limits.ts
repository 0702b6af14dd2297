/** The memory bounds of the explorer, with their defaults (--explore-history, --explore-max-payload). */

export interface Limits {
  /** Messages kept per topic for the history table and the chart. */
  historyPerTopic: number;
  /** Bytes of the last payload kept per topic; the rest is dropped (the size is still known). */
  maxPayloadBytes: number;
}

export const DEFAULT_LIMITS: Limits = { historyPerTopic: 100, maxPayloadBytes: 65_536 };

export type QoS = 0 | 1 | 2;
