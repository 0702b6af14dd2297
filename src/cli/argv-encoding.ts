import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { findOption } from './argv.js';
import type { ToolName } from './options.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The command line's arguments as the bytes the shell passed, where the system shows them (Linux's
 * /proc/self/cmdline): Node decodes argv as UTF-8 and turns malformed bytes into U+FFFD, silently.
 */
function rawArguments(count: number): Buffer[] | undefined {
  let cmdline: Buffer;
  try {
    cmdline = readFileSync('/proc/self/cmdline');
  } catch {
    return undefined;
  }
  const words: Buffer[] = [];
  for (let start = 0; start < cmdline.length; ) {
    const end = cmdline.indexOf(0, start);
    words.push(cmdline.subarray(start, end < 0 ? cmdline.length : end));
    start = end < 0 ? cmdline.length : end + 1;
  }
  return words.length >= count ? words.slice(words.length - count) : undefined;
}

/** The option whose value argument `index` is, as the user spelled it. */
function ownerOf(tool: ToolName, argv: readonly string[], index: number): string {
  const word = argv[index]!;
  if (word.startsWith('--') && word.includes('=')) return word.slice(0, word.indexOf('='));
  for (let i = index - 1; i >= 0 && i >= index - 4; i--) {
    if (findOption(tool, argv[i]!)?.value) return argv[i]!;
  }
  return `argument ${index + 1}`;
}

/**
 * Refuses arguments that are not valid UTF-8, as mosquitto's clients do: MQTT's strings (topics,
 * client ids, user names, properties) must be, and a message given with -m would otherwise be
 * published with U+FFFD in place of its bytes. Costs nothing unless Node saw a malformed byte.
 */
export function checkArgvEncoding(tool: ToolName, argv: readonly string[]): void {
  if (!argv.some((word) => word.includes('\uFFFD'))) return;
  const raw = rawArguments(argv.length);
  if (!raw) return;
  raw.forEach((bytes, index) => {
    if (isUtf8(bytes)) return;
    const option = ownerOf(tool, argv, index);
    const payload = option === '-m' || option === '--message' || option === '--will-payload';
    const hint = payload ? '; to publish bytes that are not text, use -f FILE or -s' : '';
    throw new UsageError(`malformed UTF-8 in the value of ${option}: MQTT text must be valid UTF-8${hint}`);
  });
}

/** Refuses a config file that is not valid UTF-8 or holds U+0000, naming the line. */
export function checkConfigEncoding(bytes: Buffer, path: string): void {
  let line = 1;
  for (let start = 0; start <= bytes.length; line++) {
    const end = bytes.indexOf(10, start);
    const text = bytes.subarray(start, end < 0 ? bytes.length : end);
    const where = `config file '${path}', line ${line}`;
    if (!isUtf8(text)) throw new UsageError(`${where}: malformed UTF-8 (MQTT text must be valid UTF-8)`);
    if (text.includes(0)) throw new UsageError(`${where}: contains U+0000, which MQTT text must not`);
    if (end < 0) break;
    start = end + 1;
  }
}
