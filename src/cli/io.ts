import type { Readable, Writable } from 'node:stream';
import { isatty } from 'node:tty';

/** Everything a command touches of its process, injected so tests can run it in-process. */
export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** stdout is file descriptor 1 of this process, which may be written to directly. */
  ownsStdout?: boolean;
}

export function processIO(): CliIO {
  // Getters: Node builds process.stdin (and its fs or net stream code) on first access, a few ms a
  // run that never reads its input would pay for nothing.
  let stderrGuarded = false;
  return {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      // A closed stderr (`2>&-`, or its reader gone) must not crash a run; messages then go nowhere.
      if (!stderrGuarded) {
        stderrGuarded = true;
        process.stderr.on('error', () => {});
      }
      return process.stderr;
    },
    env: process.env,
    ownsStdout: true,
    // What process.stdout.isTTY would say, without building the stream to ask it.
    get stdoutIsTTY() {
      return isatty(1);
    },
    get stderrIsTTY() {
      return isatty(2);
    },
  };
}
