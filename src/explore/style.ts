/**
 * Styled lines as the renderer builds them: segments of text, each with a style name, cut and
 * padded to the width and turned into one string with SGR sequences. Without colour (NO_COLOR,
 * --color never) the styles fall back to attributes only (inverse, bold, faint), which NO_COLOR
 * allows and without which the selection could not be seen.
 */
import { fit, textWidth } from './text.js';

type Style = 'plain' | 'selected' | 'changed' | 'dim' | 'title' | 'good' | 'bad' | 'warn' | 'retained' | 'key' | 'heading';

export type Segment = readonly [text: string, style: Style];

const COLOR: Record<Style, string> = {
  plain: '',
  selected: '\x1b[7m',
  changed: '\x1b[1;33m',
  dim: '\x1b[2m',
  title: '\x1b[1;36m',
  good: '\x1b[32m',
  bad: '\x1b[1;31m',
  warn: '\x1b[33m',
  retained: '\x1b[35m',
  key: '\x1b[1m',
  heading: '\x1b[1;34m',
};

const MONO: Record<Style, string> = {
  plain: '',
  selected: '\x1b[7m',
  changed: '\x1b[1m',
  dim: '\x1b[2m',
  title: '\x1b[1m',
  good: '',
  bad: '\x1b[1m',
  warn: '\x1b[1m',
  retained: '',
  key: '\x1b[1m',
  heading: '\x1b[1m',
};

export interface Painter {
  /** One screen line of exactly `width` columns from the segments; `base` styles the padding too. */
  line(segments: readonly Segment[], width: number, base?: Style): string;
}

export function painter(color: boolean): Painter {
  const codes = color ? COLOR : MONO;
  return {
    line(segments, width, base = 'plain') {
      let out = '';
      let used = 0;
      const baseCode = codes[base];
      for (const [text, style] of segments) {
        if (used >= width) break;
        const room = width - used;
        const piece = textWidth(text) > room ? fit(text, room) : text;
        if (piece === '') continue;
        const code = codes[style];
        out += code || baseCode ? `\x1b[0m${baseCode}${code}${piece}` : piece;
        used += textWidth(piece);
      }
      const fill = ' '.repeat(Math.max(0, width - used));
      if (baseCode) return `${out}\x1b[0m${baseCode}${fill}\x1b[0m`;
      return out.includes('\x1b') ? `${out}\x1b[0m${fill}` : out + fill;
    },
  };
}

/** The text of a painted line, without its SGR sequences: for tests and captures. */
export function stripStyle(line: string): string {
   
  return line.replace(/\x1b\[[0-9;]*m/g, '');
}
