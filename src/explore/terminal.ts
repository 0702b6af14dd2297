/**
 * The terminal the explorer draws on, as a small interface over stdin/stdout, so the app can be
 * driven by a fake in tests. Restoring is synchronous: it must also work from an 'exit' handler.
 */
import { writeSync } from 'node:fs';
import type { ReadStream, WriteStream } from 'node:tty';
import { ENTER_SCREEN, LEAVE_SCREEN } from './screen.js';

export interface Terminal {
  size(): { columns: number; rows: number };
  write(text: string): void;
  onInput(callback: (text: string) => void): void;
  onResize(callback: () => void): void;
  /** Raw mode, alternate screen, hidden cursor. */
  enter(): void;
  /** Undoes enter(); safe to call more than once and from an 'exit' handler. */
  restore(): void;
}

export function processTerminal(stdin: ReadStream, stdout: WriteStream): Terminal {
  let entered = false;
  const listeners: Array<() => void> = [];
  return {
    size: () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 }),
    write: (text) => {
      if (text !== '') stdout.write(text);
    },
    onInput: (callback) => {
      const onData = (chunk: string): void => callback(chunk);
      stdin.on('data', onData);
      listeners.push(() => stdin.removeListener('data', onData));
    },
    onResize: (callback) => {
      stdout.on('resize', callback);
      listeners.push(() => stdout.removeListener('resize', callback));
    },
    enter: () => {
      entered = true;
      stdin.setRawMode(true);
      // A decoder keeps a multi-byte character split over two reads whole.
      stdin.setEncoding('utf8');
      stdin.resume();
      stdout.write(ENTER_SCREEN);
    },
    restore: () => {
      if (!entered) return;
      entered = false;
      for (const remove of listeners.splice(0)) remove();
      // Synchronously, and past whatever frame is still queued in the stream: the shell must get
      // its screen back even if the process exits right after.
      try {
        writeSync((stdout as { fd?: number }).fd ?? 1, LEAVE_SCREEN);
      } catch {
        // the terminal is gone (hang-up): nobody left to see it
      }
      try {
        stdin.setRawMode(false);
      } catch {
        // the terminal is gone (hang-up): nothing left to restore
      }
      stdin.pause();
    },
  };
}
