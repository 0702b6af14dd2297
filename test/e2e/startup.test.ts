// Start-up work is deferred (scripts/build.js): --help, --version and a plain one-shot publish must
// not load yargs or MQTT.js, and a plain tssub run not yargs.
// Proven by running a copy of the package without dist/deps/: they must still answer, byte for byte;
// or by what a run left in its code cache: the loader keeps one file per bundle it loaded.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { at, fileBroker, run as runAsync, runNotingBundles } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
// The copies' compiled-code caches and an empty config folder, in a folder of the test's own: not
// the user's ~/.cache (a copy's path is new every run) nor their ~/.config/tspub.
const HOME = mkdtempSync(join(tmpdir(), 'tsmqtt-startup-home-'));
after(() => rmSync(HOME, { recursive: true, force: true }));

/** Runs bin/TOOL.js of the package at `root`. */
function spawnTool(root: string, tool: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [join(root, 'bin', `${tool}.js`), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, HOME, XDG_CACHE_HOME: join(HOME, '.cache'), XDG_CONFIG_HOME: join(HOME, '.config'), ...env },
  });
}

describe('--help, --version and the quick publish load neither yargs nor MQTT.js', () => {
  const copy = mkdtempSync(join(tmpdir(), 'tsmqtt-nodeps-'));
  after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  for (const file of readdirSync(join(ROOT, 'dist'))) {
    if (file.endsWith('.cjs')) cpSync(join(ROOT, 'dist', file), join(copy, 'dist', file));
  }
  const run = (root: string, tool: string, args: string[]) => spawnTool(root, tool, args);

  for (const tool of ['tspub', 'tssub']) {
    for (const args of [['--help'], ['--version'], ['-t', 'x', '--help']]) {
      test(`${tool} ${args.join(' ')}`, () => {
        const full = run(ROOT, tool, args);
        const bare = run(copy, tool, args);
        assert.equal(full.status, 0, full.stderr);
        assert.equal(bare.stderr, '');
        assert.equal(bare.status, 0);
        assert.equal(bare.stdout, full.stdout);
      });
    }
  }

  test('a one-shot publish over TCP needs neither (the quick path)', () => {
    const bare = run(copy, 'tspub', ['-h', '127.0.0.1', '-p', '1', '-t', 'x', '-m', '1', '-q', '1']);
    assert.equal(bare.stderr, 'tspub: connection refused by 127.0.0.1:1: is a broker running there?\n');
    assert.equal(bare.status, 1);
  });

  test('other runs that connect do need them (the copy really lacks them)', () => {
    const bare = run(copy, 'tspub', ['-h', '127.0.0.1', '-p', '1', '-t', 'x', '-m', '1', '--will-topic', 'w']);
    assert.equal(bare.status, 70);
    assert.match(bare.stderr, /^tspub: internal error: .*no such file or directory.*deps\/yargs\.cjs/);
  });
});

describe('a plain one-shot publish is done by dist/tspub-quick.cjs alone', () => {
  // Without dist/tspub.cjs and dist/deps/: a quick run must not load the full tspub bundle, yargs
  // or MQTT.js, and every other run must be handed to dist/tspub.cjs.
  const copy = mkdtempSync(join(tmpdir(), 'tsmqtt-quick-'));
  after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  for (const file of ['loader.cjs', 'tspub-quick.cjs']) cpSync(join(ROOT, 'dist', file), join(copy, 'dist', file));
  const run = (root: string, args: string[], env: NodeJS.ProcessEnv = {}) => spawnTool(root, 'tspub', args, env);
  const refused = ['-h', '127.0.0.1', '-p', '1', '-t', 'x'];

  for (const args of [[...refused, '-m', '1', '-q', '1'], [...refused, '-n', '-r'], ['-p', '1', '-t', 'x', '-m', '1', '-V', '5', '-i', 'c']]) {
    test(`tspub ${args.join(' ')}: the same answer without the rest of tspub`, () => {
      const full = run(ROOT, args);
      const bare = run(copy, args);
      assert.match(full.stderr, /^tspub: connection refused by .*:1: is a broker running there\?\n$/);
      assert.equal(bare.stderr, full.stderr);
      assert.equal(bare.status, full.status);
    });
  }

  const handedOver: [string, string[], NodeJS.ProcessEnv][] = [
    ['a will', [...refused, '-m', '1', '--will-topic', 'w'], {}],
    ['-d', [...refused, '-m', '1', '-d'], {}],
    ['a password to read', [...refused, '-m', '1', '-u', 'u', '--pw-env', 'TSMQTT_TEST_PW'], { TSMQTT_TEST_PW: 'p' }],
    ['an option yargs parses', [...refused, '-m', '1', '--repeat', '2'], {}],
    ['a usage error', [...refused], {}],
    ['TSMQTT_QUICK_PUBLISH=0', [...refused, '-m', '1'], { TSMQTT_QUICK_PUBLISH: '0' }],
  ];
  for (const [what, args, env] of handedOver) {
    test(`a run with ${what} goes to dist/tspub.cjs`, () => {
      const bare = run(copy, args, env);
      // The copy has no dist/tspub.cjs: loading it fails, which proves it was asked for.
      assert.notEqual(bare.status, 0);
      assert.match(bare.stderr, /ENOENT.*dist\/tspub\.cjs/);
      const full = run(ROOT, args, env);
      assert.equal(full.status, 1, full.stderr);
      assert.match(full.stderr, /^(Client .*\n)*tspub: (connection refused by 127\.0\.0\.1:1: is a broker running there\?|no message given: .*\nUse 'tspub --help' to see usage\.)\n$/);
    });
  }
});

describe('--help, --version and --completion are answered by dist/early.cjs alone', () => {
  const copy = mkdtempSync(join(tmpdir(), 'tsmqtt-early-'));
  after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  for (const file of ['loader.cjs', 'early.cjs']) cpSync(join(ROOT, 'dist', file), join(copy, 'dist', file));
  const run = (root: string, tool: string, args: string[]) => spawnTool(root, tool, args);

  for (const args of [['--help'], ['--version'], ['--completion', 'zsh'], ['-t', 'x', '-q', '1', '--help']]) {
    test(`tssub ${args.join(' ')}: the same answer without the command`, () => {
      const full = run(ROOT, 'tssub', args);
      const bare = run(copy, 'tssub', args);
      assert.equal(full.status, 0, full.stderr);
      assert.equal(bare.status, 0, bare.stderr);
      assert.equal(bare.stdout, full.stdout);
    });
  }

  test("what is not an early answer goes to the command: '-m --help' is a message, a bad shell an error", () => {
    for (const args of [['-t', 'x', '-m', '--help'], ['--completion', 'fish'], ['--bogus', '--help']]) {
      const bare = run(copy, 'tspub', args);
      // The copy has no command: loading it fails, which proves it was asked for.
      assert.notEqual(bare.status, 0, args.join(' '));
      assert.match(bare.stderr, /ENOENT.*dist\/tspub(-quick)?\.cjs/);
    }
  });
});

describe('a plain tssub command line is parsed without yargs (src/cli/plain-parser.ts)', () => {
  // Asynchronous runs: where mosquitto is missing, the broker is aedes, in this process.
  const broker = fileBroker();
  const topic = 'tsmqtt/startup/plain';
  before(async () => {
    const r = await runAsync('tspub', [...at(broker), '-t', topic, '-m', 'kept', '-r']);
    assert.equal(r.code, 0, r.stderr);
  });

  /** The bundles a tssub run loaded: the loader's code cache files are NAME-HASH-SIZE-MTIME.bin. */
  const loadedBy = async (args: string[]): Promise<string[]> => {
    const { result, bundles } = await runNotingBundles('tssub', [...at(broker), ...args], HOME);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout.toString(), /kept/);
    return bundles;
  };

  test('tssub -t T -C 1, and with more of the plain options: MQTT.js and tssub only', async () => {
    assert.deepEqual(await loadedBy(['-t', topic, '-C', '1']), ['mqtt', 'tssub']);
    const plain = ['-t', topic, '-t', 'other', '-T', 'other/x', '-C', '1', '-W', '10', '-q', '1', '-v', '-N', '-F', '%t %p', '-k', '30', '-i', 'plain-1', '-V', '5', '-x', '0'];
    assert.deepEqual(await loadedBy(plain), ['mqtt', 'tssub']);
  });

  test('an option outside the plain set, on the command line or in the config file, loads yargs too', async () => {
    assert.deepEqual(await loadedBy(['-t', topic, '-C', '1', '--pretty']), ['mqtt', 'tssub', 'yargs']);
    const config = join(HOME, 'tssub-config');
    writeFileSync(config, '--color never\n');
    assert.deepEqual(await loadedBy(['-o', config, '-t', topic, '-C', '1']), ['mqtt', 'tssub', 'yargs']);
  });
});
