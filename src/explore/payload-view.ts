/**
 * How a payload is shown in the detail pane: pretty-printed JSON, text, or hex + text for binary;
 * and its one-line preview for the tree and the history table.
 */
import { printable, printableLines, wrap } from './text.js';

export type PayloadKind = 'empty' | 'json' | 'text' | 'binary';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The payload as text, or undefined when it is not UTF-8 or holds controls other than tab/CR/LF. */
function textOf(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
   
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

function kindOf(bytes: Uint8Array, complete: boolean): PayloadKind {
  if (bytes.length === 0) return 'empty';
  const text = textOf(bytes);
  if (text === undefined) return complete ? 'binary' : 'text';
  return complete && parseJson(text) !== undefined ? 'json' : 'text';
}

function parseJson(text: string): { value: unknown } | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** One line for the tree or the history table: text as is, binary as hex. */
export function preview(bytes: Uint8Array, maxChars = 200): string {
  if (bytes.length === 0) return '(empty)';
  const head = bytes.subarray(0, maxChars);
  const text = textOf(head);
  // A preview may end inside a multi-byte character: decode leniently before calling it binary.
  const lenient = text ?? asBuffer(head).toString('utf8');
  const looksText = text !== undefined || !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(lenient.slice(0, -1));
  if (looksText) return printable(lenient.replace(/\s+/g, ' ').trim() || lenient);
  return `0x${asBuffer(head.subarray(0, Math.min(head.length, 32))).toString('hex')}${bytes.length > 32 ? '…' : ''}`;
}

/** Bytes per hex dump row that fit `width`: a multiple of 4, from 4 to 16. */
function hexRowBytes(width: number): number {
  // "0000  " + 3 columns a byte + " " + 1 column a byte.
  const n = Math.floor((width - 7) / 4);
  return Math.max(4, Math.min(16, n - (n % 4)));
}

export function hexDump(bytes: Uint8Array, width: number): string[] {
  const per = hexRowBytes(width);
  const out: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += per) {
    const row = bytes.subarray(offset, offset + per);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${offset.toString(16).padStart(4, '0')}  ${hex.padEnd(per * 3 - 1)}  ${text}`);
  }
  return out;
}

/**
 * Kept per message shown (its holder and sequence number) and width: pretty-printing a large JSON
 * payload every frame would cost.
 */
const cache = new WeakMap<object, { seq: number; width: number; lines: string[]; kind: PayloadKind }>();

/** A message identity for the cache: the object that holds the payload and its sequence number. */
export interface CacheKey {
  holder: object;
  seq: number;
}

/** The payload as lines of at most `width` columns, with the kind that decided how. */
export function payloadLines(bytes: Uint8Array, complete: boolean, width: number, key?: CacheKey): { kind: PayloadKind; lines: string[] } {
  const hit = key && cache.get(key.holder);
  if (hit && hit.width === width && hit.seq === key.seq) return hit;
  const kind = kindOf(bytes, complete);
  let lines: string[];
  if (kind === 'empty') lines = ['(empty payload)'];
  else if (kind === 'binary') lines = hexDump(bytes, width);
  else {
    const text = textOf(bytes) ?? asBuffer(bytes).toString('utf8');
    const shown = kind === 'json' ? JSON.stringify(parseJson(text)!.value, null, 2) : text;
    lines = printableLines(shown).flatMap((line) => wrap(line, width));
  }
  if (!key) return { kind, lines };
  const entry = { seq: key.seq, width, lines, kind };
  cache.set(key.holder, entry);
  return entry;
}
