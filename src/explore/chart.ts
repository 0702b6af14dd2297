/** A small bar chart of numeric readings, one column per value, in eighth-block characters. */

const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * `height` lines of at most `width` columns showing the last `width` values, oldest on the left.
 * Equal values (a flat line) are drawn at half height.
 */
export function barChart(values: readonly number[], width: number, height: number): string[] {
  const shown = values.slice(-Math.max(1, width));
  let min = Infinity;
  let max = -Infinity;
  for (const v of shown) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  // Eighths of a cell each column fills, from 1 (the lowest value still shows) to height * 8.
  const levels = shown.map((v) => (span === 0 ? height * 4 : Math.max(1, Math.round(((v - min) / span) * height * 8))));
  const lines: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    let line = '';
    for (const level of levels) line += BLOCKS[Math.max(0, Math.min(8, level - row * 8))];
    lines.push(line);
  }
  return lines;
}

/** A number short enough for a chart label: at most 6 significant digits, no float noise. */
export function shortNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  return String(Number(value.toPrecision(6)));
}
