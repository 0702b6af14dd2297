/**
 * The explorer's own bundle (dist/deps/explore.cjs), loaded only by `tssub --explore`: runs the
 * app on the process's terminal over a connected BrokerLink until it ends. It throws none of the
 * core's typed errors itself (a second bundle would have copies of their classes); errors from
 * the link pass through untouched.
 */
import { writeFile } from 'node:fs/promises';
import type { ReadStream, WriteStream } from 'node:tty';
import { ExplorerApp } from './app.js';
import type { BrokerLink } from './link.js';
import type { Limits } from './model.js';
import { processTerminal } from './terminal.js';

export interface ExplorerRun {
  link: BrokerLink;
  limits: Limits;
  color: boolean;
}

function clockTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * Resolves on q, Ctrl-C or a signal (SIGINT, SIGTERM, SIGHUP); rejects with the error of a lost
 * connection or of a bug. Either way the terminal is restored and the link closed first.
 */
export async function runExplorer(run: ExplorerRun): Promise<void> {
  const { link } = run;
  const terminal = processTerminal(process.stdin as ReadStream, process.stdout as WriteStream);
  const app = new ExplorerApp(terminal, link, {
    limits: run.limits,
    color: run.color,
    clock: Date.now,
    formatTime: clockTime,
    memory: () => process.memoryUsage.rss(),
    // 'wx': never overwrite a file the user did not mean to.
    saveFile: (file, data) => writeFile(file, data, { flag: 'wx' }),
  });
  const stop = (): void => app.stop();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, stop);
  // The last resort: whatever ends the process, the shell gets its terminal back.
  const restoreAtExit = (): void => terminal.restore();
  process.once('exit', restoreAtExit);
  try {
    const ending = await app.run();
    if (ending.reason === 'error') throw ending.error;
  } finally {
    for (const s of signals) process.removeListener(s, stop);
    process.removeListener('exit', restoreAtExit);
    await link.close();
  }
}
