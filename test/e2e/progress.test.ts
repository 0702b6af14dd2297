// tspub -l on a terminal: progress on stderr, stdin left alone. Run under script(1), which gives
// the command a pseudo-terminal for stdin, stdout and stderr; what we write to script is typed.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasMosquitto, hasMosquittoClients, startBroker, type Broker } from '../helpers/broker.js';
import { killAll, subscriber } from '../helpers/cli.js';

const hasScript = spawnSync('sh', ['-c', 'command -v script'], { stdio: 'ignore' }).status === 0;
const skip = !hasMosquitto || !hasMosquittoClients || !hasScript ? 'needs mosquitto, mosquitto-clients and script(1)' : false;
const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'tspub.js');

let broker: Broker;
const children: ChildProcess[] = [];
before(async () => {
  if (!skip) broker = await startBroker();
});
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  killAll();
  await broker?.stop();
});

/**
 * Runs tspub on a pseudo-terminal of 80x24 and types `typed` into it; `thenTyped` follows once
 * the terminal shows `waitFor`.
 */
function onTerminal(
  args: string[],
  typed: string,
  waitFor?: RegExp,
  thenTyped = '',
): Promise<{ code: number | null; output: string }> {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', `stty cols 80 rows 24; exec '${process.execPath}' '${BIN}' ${quoted}`, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'], TERM: 'xterm', HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' },
  });
  children.push(child);
  let output = '';
  let waiting = waitFor !== undefined;
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
    if (waiting && waitFor!.test(output)) {
      waiting = false;
      child.stdin!.write(thenTyped);
    }
  });
  child.stdin!.write(typed);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolvePromise) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

describe('progress on a terminal', { skip }, () => {
  test('typed lines are all published (ora does not swallow stdin); progress and a summary on stderr', async () => {
    const sub = await subscriber(broker, 'mosquitto_sub', ['-t', 'tty/lines', '-C', '3', '-W', '20', '-v']);
    // ^D at the start of a line is the terminal's end of input.
    // The rest is typed once the progress line is up, so the run cannot end before ora has loaded.
    const r = await onTerminal(
      ['-h', broker.host, '-p', String(broker.port), '-t', 'tty/lines', '-l', '-q', '1'],
      'first\n',
      /publishing: \d+ sent/,
      'second\nthird\n\u0004',
    );
    assert.equal(r.code, 0, r.output);
    assert.equal((await sub.done).stdout.toString(), 'tty/lines first\ntty/lines second\ntty/lines third\n');
    assert.match(r.output, /publishing: \d+ sent, \d+ acknowledged, \d+ msg\/s/);
    assert.match(r.output, /3 messages sent and acknowledged in \d+\.\d s/);
  });
});
