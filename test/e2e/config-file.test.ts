// Config files as mosquitto reads them: $XDG_CONFIG_HOME/TOOL else ~/.config/TOOL, one option per
// line split at the first space, '#' comments, read before the command line; -o FILE instead.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBroker, type Broker } from '../helpers/broker.js';
import { at, killAll, run, subscriber } from '../helpers/cli.js';

let broker: Broker;
let root: string;
let n = 0;
before(async () => {
  broker = await startBroker();
  root = mkdtempSync(join(tmpdir(), 'tsmqtt-config-'));
});
after(async () => {
  killAll();
  await broker.stop();
  rmSync(root, { recursive: true, force: true });
});

/** A fresh folder holding `files` (name -> content); returned as XDG_CONFIG_HOME. */
function configHome(files: Record<string, string>): string {
  const dir = join(root, `home${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const usage = (tool: string): string => `Use '${tool} --help' to see usage.\n`;

describe('config files', () => {
  test('mosquitto\'s own example: comment, port, blank line, indented topic, message with trailing spaces', async () => {
    const home = configHome({ tspub: `# comment\n-p ${broker.port}\n\n   -t cfg/topic\n-m hello world  \n` });
    const sub = await subscriber(broker, 'tssub', ['-t', 'cfg/topic', '-C', '1', '-W', '20', '-F', '[%p]']);
    const r = await run('tspub', ['-h', '127.0.0.1'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await sub.done).stdout.toString(), '[hello world  ]\n');
  });

  test('without XDG_CONFIG_HOME: ~/.config/tssub; CRLF line endings are fine', async () => {
    const home = configHome({ '.config/tssub': `-p ${broker.port}\r\n-h 127.0.0.1\r\n` });
    const r = await run('tssub', ['-t', 'cfg/x', '-E'], { env: { HOME: home, XDG_CONFIG_HOME: undefined } });
    assert.equal(r.code, 0, r.stderr);
  });

  test('XDG_CONFIG_HOME set: ~/.config is not read', async () => {
    const home = configHome({ '.config/tspub': '-p 1\n' });
    const xdg = configHome({});
    const r = await run('tspub', [...at(broker), '-t', 'x', '-m', 'x'], { env: { HOME: home, XDG_CONFIG_HOME: xdg } });
    assert.equal(r.code, 0, r.stderr);
  });

  test('the command line wins for scalars; list options add up', async () => {
    const home = configHome({ tspub: '-p 1\n-q 2\n', tssub: '-t cfg/a\n-v\n' });
    const sub = await subscriber(broker, 'tssub', ['-t', 'cfg/b', '-C', '2', '-W', '20'], { env: { XDG_CONFIG_HOME: home } });
    const first = await run('tspub', [...at(broker), '-t', 'cfg/a', '-m', 'A', '-q', '0'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(first.code, 0, first.stderr);
    await run('tspub', [...at(broker), '-t', 'cfg/b', '-m', 'B'], { env: { XDG_CONFIG_HOME: home } });
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'cfg/a A\ncfg/b B\n');
  });

  test('a message in the file and one on the command line: only one message source', async () => {
    const home = configHome({ tspub: '-m from-file\n' });
    const r = await run('tspub', [...at(broker), '-t', 'x', '-m', 'cli'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: give only one message source: one of -m, -n, -f, -s, -l\n${usage('tspub')}`);
  });

  test('-o FILE replaces the default file', async () => {
    const home = configHome({ tspub: '-p 1\n', 'explicit.conf': `-p ${broker.port}\n-t cfg/o\n` });
    const r = await run('tspub', ['-h', '127.0.0.1', '-o', join(home, 'explicit.conf'), '-m', 'x'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    const missing = await run('tspub', ['-o', join(home, 'none.conf'), '-t', 'x', '-m', 'x']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `tspub: cannot read config file '${join(home, 'none.conf')}': no such file\n`);
    const twice = await run('tspub', ['-o', 'a', '-o', 'b', '-t', 'x', '-m', 'x']);
    assert.equal(twice.stderr, `tspub: -o (config file) given more than once\n${usage('tspub')}`);
  });

  test('errors name the file and the line', async () => {
    const cases: Array<[string, string]> = [
      ['-p 1883\n# fine\n--bogus\n', "line 3: unknown option '--bogus'"],
      ['-q\t1\n', "line 1: unknown option '-q\t1'"],
      ['-r yes\n', "line 1: option -r takes no value (got 'yes')"],
      ['-m\n', 'line 1: option -m needs a value (MESSAGE)'],
      ['-T x\n', "line 1: unknown option '-T' (it is a tssub option)"],
      ['-o other\n', 'line 1: -o cannot be used inside a config file'],
      // Values are checked after parsing, yet still named with their line.
      ['-q 7\n', "line 1: QoS must be 0, 1 or 2, not '7'"],
      ['-r\n-k 3\n', "line 2: keepalive (-k) must be a whole number from 5 to 65535, not '3'"],
    ];
    for (const [text, message] of cases) {
      const home = configHome({ tspub: text });
      const r = await run('tspub', ['-t', 'x', '-m', 'x', '-p', '1'], { env: { XDG_CONFIG_HOME: home } });
      assert.equal(r.code, 1, text);
      assert.equal(r.stderr, `tspub: config file '${join(home, 'tspub')}', ${message}\n${usage('tspub')}`, text);
    }
  });

  test('a bad port in the file, as the issue found it: file and line', async () => {
    const home = configHome({ tssub: `# the broker\n-p 18873 extra\n` });
    const r = await run('tssub', ['-t', 'x'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `tssub: config file '${join(home, 'tssub')}', line 2: port (-p) must be a whole number from 1 to 65535, not '18873 extra'\n${usage('tssub')}`,
    );
  });

  test('a bad value on the command line is not blamed on the file, even where the file has it too', async () => {
    const home = configHome({ tspub: '-q 7\n-i bad-value\n' });
    const both = await run('tspub', ['-t', 'x', '-m', 'x', '-q', '7'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(both.stderr, `tspub: QoS must be 0, 1 or 2, not '7'\n${usage('tspub')}`);
    const cli = await run('tspub', ['-t', 'x', '-m', 'x', '-q', '1', '-k', '2'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(cli.stderr, `tspub: keepalive (-k) must be a whole number from 5 to 65535, not '2'\n${usage('tspub')}`);
  });

  test('a bad value in the file that the command line overrides is no error', async () => {
    const home = configHome({ tspub: '-p 18873 extra\n' });
    const r = await run('tspub', [...at(broker), '-t', 'x', '-m', 'x'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
  });

  test('--help and --version work even when the config file is broken', async () => {
    const home = configHome({ tspub: '--bogus\n' });
    const r = await run('tspub', ['--help'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });

  test('a password source in the file; the command line\'s wins; -d never shows it', async () => {
    const home = configHome({ tspub: '-u alice\n-P from-config-file\n' });
    const r = await run('tspub', [...at(broker), '-t', 'x', '-m', 'x', '-d'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stderr.includes('from-config-file'));
    assert.match(r.stderr, /u'alice', p\(hidden\)/);
    const cli = await run('tspub', [...at(broker), '-t', 'x', '-m', 'x', '--pw-env', 'NOT_SET_ANYWHERE'], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(cli.stderr, `tspub: environment variable NOT_SET_ANYWHERE (--pw-env) is not set\n${usage('tspub')}`);
  });
});
