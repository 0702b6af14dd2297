// Terminal mode, seen through a real pseudo-terminal (`script` from util-linux): colour on stdout
// and the spinner on stderr only where a terminal is, never a byte of either in a pipe; and chalk
// and ora are only ever loaded through dynamic imports.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBroker, type Broker } from '../helpers/broker.js';
import { at, killAll, run, subscriber } from '../helpers/cli.js';

/** The machine may be loaded (other suites run beside this one): generous limits, never sleeps. */
const SLOW = { timeoutMs: 120_000 };

const ROOT = resolve(import.meta.dirname, '..', '..');
const hasScript = spawnSync('sh', ['-c', 'command -v script'], { stdio: 'ignore' }).status === 0;
const SGR = /\x1b\[[0-9;]*m/;
const SPINNER_FRAME = /[\u2800-\u28ff]/;

let broker: Broker;
let dir: string;
const children = new Set<ChildProcess>();
before(async () => {
  broker = await startBroker();
  dir = mkdtempSync(join(tmpdir(), 'tsmqtt-pty-'));
});
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  killAll();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Starts tssub with stdout and stderr on a pty sized 80x24 (an unsized pty reports no width) and
 * resolves once the broker has acknowledged its subscription; `done` gives what the terminal showed.
 */
async function inTerminal(args: string[], options: { env?: NodeJS.ProcessEnv; redirect?: string } = {}) {
  const tssub = [process.execPath, join(ROOT, 'bin', 'tssub.js'), ...at(broker), ...args].map(quote).join(' ');
  const redirect = options.redirect ? ` > ${quote(options.redirect)}` : '';
  const subacks = broker.subackCount();
  const child = spawn('script', ['-qfec', `stty cols 80 rows 24; exec ${tssub}${redirect}`, '/dev/null'], {
    env: { PATH: process.env['PATH'], HOME: dir, XDG_CONFIG_HOME: dir, TERM: 'xterm-256color', TZ: 'UTC', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  const done = new Promise<{ code: number | null; shown: string }>((resolveDone) => {
    child.on('close', (code) => {
      children.delete(child);
      resolveDone({ code, shown: Buffer.concat(chunks).toString('utf8') });
    });
  });
  await broker.waitForSubacks(subacks + 1, 60_000);
  return { done };
}

async function pub(args: string[]): Promise<void> {
  const r = await run('tspub', [...at(broker), ...args]);
  assert.equal(r.code, 0, r.stderr);
}

/** The part of the terminal output after the spinner's last line (the persisted "subscribed"). */
function afterSpinner(shown: string, persisted: string): string {
  const i = shown.indexOf(persisted);
  assert.ok(i >= 0, `the spinner left '${persisted}': ${JSON.stringify(shown)}`);
  return shown.slice(i + persisted.length);
}

describe('on a terminal', { skip: !hasScript ? 'needs script (util-linux)' : false }, () => {
  before(async () => {
    await pub(['-t', 'term/a/r', '-m', 'stale', '-r', '-q', '1']);
    await pub(['-t', 'term/b/r', '-m', 'stale', '-r', '-q', '1']);
  });
  after(async () => {
    await pub(['-t', 'term/a/r', '-n', '-r', '-q', '1']);
    await pub(['-t', 'term/b/r', '-n', '-r', '-q', '1']);
  });

  test('-v: coloured topic, retained and QoS markers; the spinner shows connecting -> subscribed and stops before the first message', async () => {
    const tssub = await inTerminal(['-t', 'term/a/#', '-q', '1', '-v', '-C', '2', '-W', '60']);
    await pub(['-t', 'term/a/live', '-m', 'hello', '-q', '1']);
    const { code, shown } = await tssub.done;
    assert.equal(code, 0, shown);
    const spinner = shown.slice(0, shown.indexOf('✔'));
    assert.ok(spinner.includes(`connecting to ${broker.host}:${broker.port}`), JSON.stringify(shown).slice(0, 3000));
    assert.match(spinner, SPINNER_FRAME);
    const rest = afterSpinner(shown, '✔ subscribed to term/a/# (QoS 1)\r\n');
    assert.equal(
      rest.replace(/\x1b\[\?25h/g, ''),
      '\x1b[36mterm/a/r\x1b[39m \x1b[33m[retained]\x1b[39m \x1b[2m[q1]\x1b[22m stale\r\n' +
        '\x1b[36mterm/a/live\x1b[39m \x1b[2m[q1]\x1b[22m hello\r\n',
    );
  });

  for (const [name, extra, env] of [
    ['NO_COLOR=1', [], { NO_COLOR: '1' }],
    ['--color=never', ['--color=never'], {}],
  ] as const) {
    test(`${name}: mosquitto_sub's bytes, no colour anywhere; the spinner stays`, async () => {
      const tssub = await inTerminal(['-t', 'term/b/#', '-v', '-C', '2', '-W', '60', ...extra], { env, ...SLOW });
      await pub(['-t', 'term/b/live', '-m', 'hello']);
      const { code, shown } = await tssub.done;
      assert.equal(code, 0, shown);
      assert.doesNotMatch(shown, SGR);
      const rest = afterSpinner(shown, '✔ subscribed to term/b/# (QoS 0)\r\n');
      assert.equal(rest.replace(/\x1b\[\?25h/g, ''), 'term/b/r stale\r\nterm/b/live hello\r\n');
    });
  }

  test('stdout to a file, stderr on the terminal: plain bytes in the file, the spinner on the terminal', async () => {
    const file = join(dir, 'out.txt');
    const tssub = await inTerminal(['-t', 'term/c', '-v', '-C', '1', '-W', '60'], { redirect: file });
    await pub(['-t', 'term/c', '-m', 'hello']);
    const { code, shown } = await tssub.done;
    assert.equal(code, 0, shown);
    assert.equal(readFileSync(file, 'utf8'), 'term/c hello\n');
    assert.ok(shown.includes('✔ subscribed to term/c (QoS 0)'), JSON.stringify(shown));
  });

  test('-d turns the spinner off (its lines go to the same terminal)', async () => {
    const tssub = await inTerminal(['-t', 'term/d', '-C', '1', '-W', '60', '-d']);
    await pub(['-t', 'term/d', '-m', 'hello']);
    const { code, shown } = await tssub.done;
    assert.equal(code, 0, shown);
    assert.doesNotMatch(shown, SPINNER_FRAME);
    assert.doesNotMatch(shown, /✔/);
  });
});

describe('in pipes', () => {
  test('no escape byte on stdout or stderr, no spinner', async () => {
    const sub = await subscriber(broker, 'tssub', ['-t', 'pipe/a', '-q', '1', '-v', '-C', '1', '-W', '60'], { env: { TERM: 'xterm-256color' }, ...SLOW });
    await pub(['-t', 'pipe/a', '-m', 'hello', '-q', '1']);
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'pipe/a hello\n');
    assert.equal(r.stderr, '');
  });
  for (const [name, extra, env] of [
    ['--color=always', ['--color=always'], {}],
    ['FORCE_COLOR=1', [], { FORCE_COLOR: '1' }],
  ] as const) {
    test(`${name} colours a pipe on request; stderr stays silent`, async () => {
      const sub = await subscriber(broker, 'tssub', ['-t', 'pipe/b', '-v', '-C', '1', '-W', '60', ...extra], { env, ...SLOW });
      await pub(['-t', 'pipe/b', '-m', 'hello']);
      const r = await sub.done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), '\x1b[36mpipe/b\x1b[39m hello\n');
      assert.equal(r.stderr, '');
    });
  }
  test('-F and --json are never decorated, even with --color=always', async () => {
    const sub = await subscriber(broker, 'tssub', ['-t', 'pipe/c', '-F', '%t %p', '-C', '1', '-W', '60', '--color=always'], SLOW);
    await pub(['-t', 'pipe/c', '-m', 'hello']);
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'pipe/c hello\n');
  });
});
