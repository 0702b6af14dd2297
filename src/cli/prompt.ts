import { StringDecoder } from 'node:string_decoder';
import type { ReadStream } from 'node:tty';
import type { Writable } from 'node:stream';
import { InputError, InterruptedError } from '../core/errors.js';

/**
 * Asks for a secret on a terminal without echoing it. Raw mode turns Ctrl-C into a byte, so it is
 * handled here (as SIGINT would be); Ctrl-U clears, Backspace deletes, Enter ends.
 */
export function promptHidden(input: ReadStream, output: Writable, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let value = '';
    const finish = (): void => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of decoder.write(chunk)) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new InterruptedError('SIGINT'));
          return;
        }
        if (ch === '\u0004') {
          finish();
          if (value === '') reject(new InputError('no password entered'));
          else resolve(value);
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    // Echo goes off before the prompt shows, so nothing typed after it can appear.
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
    output.write(question);
  });
}
