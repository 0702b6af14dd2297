// Passwords off the command line (--pw-env, --pw-file, a prompt on a terminal, -L user:password),
// which one wins, and that no password ever shows in output, -d included.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasMosquitto, startBroker, type Broker } from '../helpers/broker.js';
import { at, killAll, run } from '../helpers/cli.js';

const SECRET = 'Tr0ub4dor-and-3';
const hasScript = spawnSync('sh', ['-c', 'command -v script'], { stdio: 'ignore' }).status === 0;

let broker: Broker;
let dir: string;
before(async () => {
  if (!hasMosquitto) return;
  dir = mkdtempSync(join(tmpdir(), 'tsmqtt-secrets-'));
  const passwd = join(dir, 'passwd');
  spawnSync('mosquitto_passwd', ['-c', '-b', passwd, 'alice', SECRET], { stdio: 'ignore' });
  writeFileSync(join(dir, 'good'), `${SECRET}\n`);
  writeFileSync(join(dir, 'bad'), 'not-it\r\n');
  writeFileSync(join(dir, 'empty'), '');
  broker = await startBroker({ config: ['allow_anonymous false', `password_file ${passwd}`] });
});
after(async () => {
  killAll();
  await broker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pub = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run('tspub', [...at(broker), '-u', 'alice', '-t', 'sec/t', '-m', 'x', '-d', ...args], { env });

function assertNoSecret(r: { stdout: Buffer; stderr: string }): void {
  assert.ok(!r.stderr.includes(SECRET), `password in stderr: ${r.stderr}`);
  assert.ok(!r.stdout.toString().includes(SECRET), 'password in stdout');
}

describe('password sources', { skip: !hasMosquitto && 'needs mosquitto (password_file)' }, () => {
  test('without a password the broker refuses (exit 5)', async () => {
    const r = await pub([]);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /tspub: connection refused by the broker at 127\.0\.0\.1:\d+: not authorised\n$/);
  });

  test('-P VALUE, and -d shows p(hidden)', async () => {
    const r = await pub(['-P', SECRET]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /sending CONNECT \(v4, c1, k60, u'alice', p\(hidden\)\)/);
    assertNoSecret(r);
  });

  test('--pw-env VARIABLE', async () => {
    const r = await pub(['--pw-env', 'TSMQTT_TEST_PW'], { TSMQTT_TEST_PW: SECRET });
    assert.equal(r.code, 0, r.stderr);
    assertNoSecret(r);
    const unset = await pub(['--pw-env', 'TSMQTT_NOT_SET']);
    assert.equal(unset.code, 1);
    assert.equal(unset.stderr, "tspub: environment variable TSMQTT_NOT_SET (--pw-env) is not set\nUse 'tspub --help' to see usage.\n");
  });

  test('--pw-file FILE: the first line, without its line ending', async () => {
    const r = await pub(['--pw-file', join(dir, 'good')]);
    assert.equal(r.code, 0, r.stderr);
    assertNoSecret(r);
    const missing = await pub(['--pw-file', join(dir, 'none')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `tspub: cannot read password file (--pw-file) '${join(dir, 'none')}': no such file\n`);
    const empty = await pub(['--pw-file', join(dir, 'empty')]);
    assert.equal(empty.code, 1);
    assert.equal(empty.stderr, `tspub: password file (--pw-file) '${join(dir, 'empty')}' is empty\n`);
  });

  test('the last password option wins', async () => {
    const fileLast = await pub(['-P', 'wrong', '--pw-file', join(dir, 'good')]);
    assert.equal(fileLast.code, 0, fileLast.stderr);
    const valueLast = await pub(['--pw-file', join(dir, 'good'), '-P', 'wrong']);
    assert.equal(valueLast.code, 5);
    const envLast = await pub(['--pw-file', join(dir, 'bad'), '--pw-env', 'PW'], { PW: SECRET });
    assert.equal(envLast.code, 0, envLast.stderr);
  });

  test('-L mqtt://user:password@host, and a refusal never repeats it', async () => {
    const ok = await run('tssub', ['-L', `mqtt://alice:${SECRET}@127.0.0.1:${broker.port}/sec/t`, '-E', '-d']);
    assert.equal(ok.code, 0, ok.stderr);
    assertNoSecret(ok);
    const wrong = await run('tspub', ['-L', `mqtt://alice:${SECRET}x@127.0.0.1:${broker.port}/sec/t`, '-m', 'x', '-V', '5', '-d']);
    assert.equal(wrong.code, 135);
    assertNoSecret(wrong);
    assert.match(wrong.stderr, /tspub: connection refused by the broker at 127\.0\.0\.1:\d+: not authorized\n$/);
    const badUrl = await run('tspub', ['-L', `mqtt://alice:${SECRET}@127.0.0.1:99999/t`, '-m', 'x']);
    assert.equal(badUrl.stderr, "tspub: port '99999' in -L URL 'mqtt://alice:***@127.0.0.1:99999/t' must be a whole number from 1 to 65535\nUse 'tspub --help' to see usage.\n");
  });
});

describe('-P with no value: a prompt on the terminal', { skip: (!hasMosquitto || !hasScript) && 'needs mosquitto and script(1)' }, () => {
  /** Runs the tool on a pty (util-linux script), types `typed` once the prompt shows, returns what the terminal showed. */
  function onTerminal(args: string[], typed: string): Promise<{ code: number | null; screen: string }> {
    const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'tspub.js');
    const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qfec', quoted, '/dev/null'], {
      env: { PATH: process.env['PATH'], HOME: dir, XDG_CONFIG_HOME: dir, TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let typedYet = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      // Type only once the prompt is up: raw mode (no echo) is on by then.
      if (!typedYet && screen.includes('Password: ')) {
        typedYet = true;
        child.stdin.write(typed);
      }
    });
    return new Promise((resolvePromise) =>
      child.on('close', (code) => {
        clearTimeout(timer);
        resolvePromise({ code, screen });
      }),
    );
  }

  test('the typed password is used and never echoed', async () => {
    const r = await onTerminal([...at(broker), '-u', 'alice', '-t', 'sec/p', '-m', 'x', '-d', '-P'], `${SECRET}\r`);
    assert.equal(r.code, 0, r.screen);
    assert.ok(r.screen.startsWith('Password: '), r.screen);
    assert.ok(!r.screen.includes(SECRET), `password on screen: ${r.screen}`);
    assert.match(r.screen, /p\(hidden\)/);
  });

  test('Ctrl-C at the prompt: exit 130', async () => {
    const r = await onTerminal([...at(broker), '-u', 'alice', '-t', 'sec/p', '-m', 'x', '-P'], 'abc\u0003');
    assert.equal(r.code, 130, r.screen);
  });

  test('without a terminal a bare -P is a usage error, before anything is sent', async () => {
    const r = await run('tspub', [...at(broker), '-u', 'alice', '-t', 'sec/p', '-m', 'x', '-P']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "tspub: -P without a value asks for the password on a terminal, but standard input is not one: use --pw-env VARIABLE or --pw-file FILE\nUse 'tspub --help' to see usage.\n");
  });
});
