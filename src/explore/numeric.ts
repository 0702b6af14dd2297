/**
 * Reads a payload as a number for the chart: `21.5`, `-3`, `1e3`, `21.5 °C`, `87%`. A unit of a
 * few non-digit characters may follow; anything longer is text, not a reading.
 */
const NUMERIC = /^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(?:[^\d\s.+\-\ufffd][^\d\ufffd]{0,11})?\s*$/u;

/** Longer payloads are never a reading; checking the length first keeps the common case cheap. */
const MAX_NUMERIC_BYTES = 32;

export function parseNumeric(payload: Uint8Array): number | undefined {
  if (payload.length === 0 || payload.length > MAX_NUMERIC_BYTES) return undefined;
  const first = payload[0]!;
  // Quick reject: a reading starts with a digit, a sign, a dot or a space.
  const plausible = (first >= 0x30 && first <= 0x39) || first === 0x2d || first === 0x2b || first === 0x2e || first === 0x20;
  if (!plausible) return undefined;
  const match = NUMERIC.exec(Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8'));
  if (!match) return undefined;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : undefined;
}
