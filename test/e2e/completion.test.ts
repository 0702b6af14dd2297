// Shell completion: the script each tool prints, driven by a real bash as a user's shell would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { completionCandidates } from '../../src/cli/completion-candidates.js';
import { killAll, run } from '../helpers/cli.js';

after(killAll);

describe('completion candidates, from the option table', () => {
  test('a long option prefix', async () => {
    assert.deepEqual(completionCandidates('tspub', ['--will-q']), ['--will-qos']);
  });
  test("letter-only options are offered as letters only: -C, never '--C'", async () => {
    const all = completionCandidates('tssub', ['-']);
    assert.ok(all.includes('-C') && all.includes('-W') && all.includes('--topic'));
    assert.ok(!all.includes('--C'));
  });
  test("the other tool's options are not offered", async () => {
    const all = completionCandidates('tspub', ['-']);
    assert.ok(!all.includes('-T') && !all.includes('--retained-only'));
    assert.ok(all.includes('-m'));
  });
  test('an option given already is not offered again, unless it adds up (-t for tssub)', () => {
    assert.deepEqual(completionCandidates('tspub', ['-t', 'x', '--t']), ['--tls-use-os-certs', '--tls-version', '--tls-alpn']);
    assert.ok(completionCandidates('tssub', ['-t', 'x', '-']).includes('-t'));
  });
  test('after an option that takes a value, nothing: the shell completes file names', async () => {
    assert.deepEqual(completionCandidates('tspub', ['-f', '']), []);
  });
});

describe('the bash script', () => {
  let dir: string;
  before(() => {
    // The scripts call the tool by name, as an installed package would be on PATH.
    dir = mkdtempSync(join(tmpdir(), 'tsmqtt-completion-'));
    for (const tool of ['tspub', 'tssub']) symlinkSync(resolve('bin', `${tool}.js`), join(dir, tool));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [tool, words, expected] of [
    ['tspub', ['tspub', '--will-'], '--will-topic --will-payload --will-qos --will-retain'],
    ['tssub', ['tssub', '-t', 'a', '--ver'], '--verbose --version'],
  ] as const) {
    test(`${words.join(' ')}<TAB>`, async () => {
      const script = (await run(tool, ['--completion', 'bash'])).stdout.toString();
      const words_ = words.map((w) => `'${w}'`).join(' ');
      const shell = spawnSync(
        'bash',
        ['-c', `${script}\nCOMP_WORDS=(${words_}); COMP_CWORD=${words.length - 1}; _${tool}_completion; echo "\${COMPREPLY[*]}"`],
        { env: { PATH: `${dir}:${process.env['PATH']}` }, encoding: 'utf8' },
      );
      assert.equal(shell.stdout, `${expected}\n`, shell.stderr);
    });
  }

  test('zsh script names its function and falls back to files', async () => {
    const r = await run('tssub', ['--completion', 'zsh']);
    assert.equal(r.code, 0);
    assert.match(r.stdout.toString(), /^#compdef tssub\n/);
    assert.match(r.stdout.toString(), /compdef _tssub_completion tssub\n$/);
  });
  test('an unknown shell is a usage error', async () => {
    const r = await run('tspub', ['--completion', 'fish']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "tspub: --completion takes bash or zsh, not 'fish'\nUse 'tspub --help' to see usage.\n");
  });
});
