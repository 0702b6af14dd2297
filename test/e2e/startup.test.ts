// --help, --version and a completion script are answered from the option table alone: a run
// that only asks for them must not need yargs, MQTT.js, chalk or ora. Proven by running a copy
// of the package whose chunks holding them are removed: the answers must be the same, byte for
// byte, while a run that connects fails for want of them (so the copy really lacks them).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');
const HOME = mkdtempSync(join(tmpdir(), 'tsmqtt-startup-home-'));
after(() => rmSync(HOME, { recursive: true, force: true }));

/** Strings only each heavy dependency's code contains. */
const MARKERS = {
  yargs: 'yargs parser',
  mqtt: 'connack timeout',
  chalk: 'xterm-kitty',
  ora: 'dots12',
};

function spawnTool(root: string, tool: string, args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin', `${tool}.js`), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env['PATH'], HOME, XDG_CONFIG_HOME: HOME, NODE_DISABLE_COMPILE_CACHE: '1' },
  });
}

describe('--help, --version and --completion need none of the heavy dependencies', () => {
  const copy = mkdtempSync(join(tmpdir(), 'tsmqtt-light-'));
  after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
  const removed = new Set<string>();
  for (const file of readdirSync(join(ROOT, 'dist'))) {
    if (!file.endsWith('.js')) continue;
    const code = readFileSync(join(ROOT, 'dist', file), 'utf8');
    const heavy = Object.entries(MARKERS).filter(([, marker]) => code.includes(marker));
    if (heavy.length > 0) heavy.forEach(([name]) => removed.add(name));
    else cpSync(join(ROOT, 'dist', file), join(copy, 'dist', file));
  }

  test('the copy lacks every heavy dependency', () => {
    assert.deepEqual([...removed].sort(), Object.keys(MARKERS).sort());
  });

  for (const tool of ['tspub', 'tssub']) {
    for (const args of [['--help'], ['--version'], ['-t', 'x', '--help'], ['--completion', 'bash']]) {
      test(`${tool} ${args.join(' ')}: the same answer`, () => {
        const full = spawnTool(ROOT, tool, args);
        const bare = spawnTool(copy, tool, args);
        assert.equal(full.status, 0, full.stderr);
        assert.equal(bare.stderr, '');
        assert.equal(bare.status, 0);
        assert.equal(bare.stdout, full.stdout);
      });
    }
  }

  test('a run that connects does need them', () => {
    const bare = spawnTool(copy, 'tspub', ['-h', '127.0.0.1', '-p', '1', '-t', 'x', '-m', '1']);
    assert.equal(bare.status, 70, bare.stderr);
    assert.match(bare.stderr, /^tspub: internal error: Cannot find module/);
  });
});
