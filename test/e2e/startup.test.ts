// Start-up work is deferred (scripts/build.js): --help, --version and a plain one-shot publish must
// not load yargs or MQTT.js.
// Proven by running a copy of the package without dist/deps/: they must still answer, byte for byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('--help, --version and the quick publish load neither yargs nor MQTT.js', () => {
  const copy = mkdtempSync(join(tmpdir(), 'tsmqtt-nodeps-'));
  after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  for (const file of readdirSync(join(ROOT, 'dist'))) {
    if (file.endsWith('.cjs')) cpSync(join(ROOT, 'dist', file), join(copy, 'dist', file));
  }
  const run = (root: string, tool: string, args: string[]) =>
    spawnSync(process.execPath, [join(root, 'bin', `${tool}.js`), ...args], { encoding: 'utf8', timeout: 30_000 });

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

describe('--help, --version and --completion are answered by dist/early.cjs alone', () => {
  const copy = mkdtempSync(join(tmpdir(), 'tsmqtt-early-'));
  after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  for (const file of ['loader.cjs', 'early.cjs']) cpSync(join(ROOT, 'dist', file), join(copy, 'dist', file));
  const run = (root: string, tool: string, args: string[]) =>
    spawnSync(process.execPath, [join(root, 'bin', `${tool}.js`), ...args], { encoding: 'utf8', timeout: 30_000 });

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
      assert.match(bare.stderr, /ENOENT.*dist\/tspub\.cjs/);
    }
  });
});
