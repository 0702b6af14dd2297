import type { Writable } from 'node:stream';
import type { Ora } from 'ora';
import type { StreamProgress } from '../core/publish/line-stream.js';

/** A progress line for tspub -l on a terminal. */
export interface LineProgressDisplay {
  /** Ends the display: a summary line when the run succeeded, nothing otherwise. */
  stop(succeeded: boolean): void;
}

const REFRESH_MS = 250;

const count = (n: number): string => n.toLocaleString('en-US');

/** The text of the progress line; pure, for tests. */
function progressText(progress: Readonly<StreamProgress>, acknowledges: boolean, ratePerSecond: number): string {
  const parts = [`${count(progress.sent)} sent`];
  if (acknowledges) parts.push(`${count(progress.acknowledged)} acknowledged`);
  if (progress.rejected > 0) parts.push(`${count(progress.rejected)} rejected`);
  parts.push(`${count(Math.round(ratePerSecond))} msg/s`);
  return `publishing: ${parts.join(', ')}`;
}

function summaryText(progress: Readonly<StreamProgress>, acknowledges: boolean, seconds: number): string {
  const what = `${count(progress.sent)} message${progress.sent === 1 ? '' : 's'} ${acknowledges ? 'sent and acknowledged' : 'sent'}`;
  const rate = seconds > 0 ? `, ${count(Math.round(progress.sent / seconds))} msg/s` : '';
  return `${what} in ${seconds.toFixed(1)} s${rate}`;
}

/**
 * Shows sent / acknowledged / rate on `stream`, which must be a terminal: the caller decides,
 * and never calls this for a pipe. ora is loaded only here, on first use, so runs without a
 * terminal never pay for it; it is told to leave stdin alone, since stdin is tspub's input.
 */
export function startLineProgress(
  stream: Writable,
  progress: Readonly<StreamProgress>,
  acknowledges: boolean,
  color: boolean,
): LineProgressDisplay {
  const started = Date.now();
  let lastAt = started;
  let lastCount = 0;
  let rate = 0;
  let stopped = false;
  let spinner: Ora | undefined;
  let timer: NodeJS.Timeout | undefined;

  const done = (): number => (acknowledges ? progress.acknowledged + progress.rejected : progress.sent);
  const refresh = (): void => {
    const now = Date.now();
    if (now > lastAt) {
      rate = ((done() - lastCount) * 1000) / (now - lastAt);
      lastAt = now;
      lastCount = done();
    }
    if (spinner) spinner.text = progressText(progress, acknowledges, rate);
  };

  // A pseudo-terminal without a size (columns 0) would make ora's line arithmetic divide by zero.
  if (!((stream as NodeJS.WriteStream).columns > 0)) return { stop() {} };
  void import('ora').then(
    ({ default: ora }) => {
      if (stopped) return;
      spinner = ora({
        stream: stream as NodeJS.WritableStream,
        discardStdin: false,
        hideCursor: false,
        color: color ? 'cyan' : false,
        isEnabled: true,
        text: progressText(progress, acknowledges, 0),
      }).start();
      timer = setInterval(refresh, REFRESH_MS);
      timer.unref();
    },
    () => {
      // No progress display is no reason to fail the run.
    },
  );

  return {
    stop(succeeded) {
      stopped = true;
      if (timer) clearInterval(timer);
      const summary = summaryText(progress, acknowledges, (Date.now() - started) / 1000);
      // A short run can end before ora has loaded: the summary is still owed.
      if (!spinner) {
        if (succeeded) stream.write(`${summary}\n`);
        return;
      }
      // ora's own success mark is green whatever `color` says; a plain mark keeps NO_COLOR's word.
      if (!succeeded) spinner.stop();
      else if (color) spinner.succeed(summary);
      else spinner.stopAndPersist({ symbol: '✔', text: summary });
    },
  };
}
