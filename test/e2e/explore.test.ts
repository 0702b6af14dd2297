// tssub --explore as a person uses it: in a real terminal (tmux), against a real broker. The test
// publishes, types keys and reads the screen; every wait polls the screen against a deadline.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBroker, type Broker } from '../helpers/broker.js';
import { at, killAll, run, subscriber } from '../helpers/cli.js';
import { hasTmux, shellQuote, startTmux, type TmuxPane } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const skip = hasTmux ? false : 'tmux is not installed';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsmqtt-explore-'));
});
after(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** The explorer in a tmux pane, with an isolated config and cache, in the test's own folder. */
function explore(broker: Broker, args: string[], width = 80, height = 24): TmuxPane {
  const env = `HOME=${shellQuote(dir)} XDG_CONFIG_HOME=${shellQuote(dir)} XDG_CACHE_HOME=${shellQuote(join(dir, 'cache'))} TZ=UTC`;
  const argv = [join(ROOT, 'bin', 'tssub.js'), '--explore', ...at(broker), ...args].map(shellQuote).join(' ');
  return startTmux(`cd ${shellQuote(dir)} && ${env} ${shellQuote(process.execPath)} ${argv}`, width, height);
}

/** Runs a test with a broker and a pane of its own, both gone afterwards whatever happens. */
async function withExplorer(args: string[], body: (broker: Broker, pane: () => TmuxPane, open: (w?: number, h?: number) => TmuxPane) => Promise<void>): Promise<void> {
  const broker = await startBroker();
  let pane: TmuxPane | undefined;
  try {
    await body(
      broker,
      () => pane!,
      (w = 80, h = 24) => (pane = explore(broker, args, w, h)),
    );
  } finally {
    pane?.kill();
    killAll();
    await broker.stop();
  }
}

const treeLine = (screen: string, text: string): string | undefined => screen.split('\n').find((l) => l.split('│')[0]!.includes(text));

describe('tssub --explore in a terminal', { skip }, () => {
  test('tree with counts, search, publish, clear retained, save, quit restores the terminal', async () => {
    await withExplorer(['-t', 'explore/#'], async (broker, _pane, open) => {
      await run('tspub', [...at(broker), '-t', 'explore/kitchen/temp', '-m', '21.5 °C', '-r']);
      await run('tspub', [...at(broker), '-t', 'explore/office/light', '-m', 'on', '-r']);
      const pane = open();
      await pane.waitFor((s) => treeLine(s, 'explore (2/2)') !== undefined, 'the tree root with its counts');
      assert.equal(pane.show('#{alternate_on}'), '1');
      pane.keys('Right');
      await pane.waitFor((s) => treeLine(s, 'kitchen (1/1)') !== undefined && treeLine(s, 'office (1/1)') !== undefined, 'the second level');
      await run('tspub', [...at(broker), '-t', 'explore/kitchen/temp', '-m', '22']);
      await pane.waitFor((s) => treeLine(s, 'kitchen (2/1)') !== undefined && treeLine(s, 'explore (3/2)') !== undefined, 'the counts to grow');

      // Search narrows the tree to the matches.
      pane.type('/light');
      pane.keys('Enter');
      const searched = await pane.waitFor((s) => treeLine(s, 'light (1)') !== undefined, 'the match');
      assert.equal(treeLine(searched, 'kitchen'), undefined);

      // p publishes to the selected topic; a plain subscriber receives it.
      pane.keys('G');
      await pane.waitFor(/│ explore\/office\/light/, 'the selection on the light');
      const sub = await subscriber(broker, 'tssub', ['-t', 'explore/office/light', '-R', '-C', '1']);
      pane.keys('p');
      await pane.waitFor('publish to explore/office/light, payload:');
      pane.type('off');
      pane.keys('Enter');
      await pane.waitFor('QoS 0, 1 or 2');
      pane.type('1');
      pane.keys('Enter');
      await pane.waitFor('retain? y/N');
      pane.keys('Enter');
      await pane.waitFor('published to explore/office/light');
      const got = await sub.done;
      assert.equal(got.code, 0, got.stderr);
      assert.equal(got.stdout.toString(), 'off\n');

      // d clears the retained message: a new subscriber gets only the other one.
      pane.keys('d');
      await pane.waitFor('clear the retained message of explore/office/light? y/N');
      pane.keys('y');
      await pane.waitFor('cleared the retained message of explore/office/light');
      const fresh = await run('tssub', [...at(broker), '-t', 'explore/#', '-v', '-W', '1']);
      assert.equal(fresh.stdout.toString(), 'explore/kitchen/temp 21.5 °C\n');

      // s saves the selected payload, under the name typed.
      pane.keys('Escape', 'g', 'Right', 'Right', 'Down');
      await pane.waitFor(/│ explore\/kitchen\/temp/, 'the selection on the temperature');
      pane.keys('s', 'C-u');
      pane.type('temp.txt');
      pane.keys('Enter');
      await pane.waitFor('saved 2 bytes to temp.txt');
      assert.equal(readFileSync(join(dir, 'temp.txt'), 'utf8'), '22');

      pane.keys('q');
      const end = await pane.waitFor(/exit=0\s+stty: -?icanon/, 'the explorer to exit');
      assert.match(end, /stty: icanon/);
      assert.equal(pane.show('#{alternate_on}'), '0');
      assert.equal(pane.show('#{cursor_flag}'), '1');
    });
  });

  test('60x20 works, a resize redraws, SIGTERM ends it with the terminal restored', async () => {
    await withExplorer([], async (broker, _pane, open) => {
      const pane = open(60, 20);
      // 60x20: still the tree, the details and the way out.
      await pane.waitFor((s) => s.includes('waiting for messages on #') && s.includes('q quit'), 'the empty view');
      await run('tspub', [...at(broker), '-t', 'a/b', '-m', '1']);
      await pane.waitFor((s) => treeLine(s, 'a (1/1)') !== undefined, 'the topic');
      // A resize redraws the whole screen at the new size.
      pane.resize(80, 24);
      await pane.waitFor((s) => s.includes('p publish d clear s save ? help q quit') && s.split('\n')[0]!.includes('tssub explore'), 'the 80x24 layout');
      const shell = pane.show('#{pane_pid}');
      // The pane's shell has one child, the explorer (Node 24 names its thread MainThread, not node).
      execFileSync('pkill', ['-TERM', '-P', shell]);
      const end = await pane.waitFor(/exit=0\s+stty: -?icanon/, 'the explorer to exit');
      assert.match(end, /stty: icanon/);
      assert.equal(pane.show('#{alternate_on}'), '0');
    });
  });

  test('reconnects are shown; a lost connection with --no-reconnect exits 7, terminal restored', async () => {
    await withExplorer(['--no-reconnect'], async (broker, _pane, open) => {
      const pane = open();
      await pane.waitFor('● connected');
      await broker.halt();
      const end = await pane.waitFor(/exit=7\s+stty: -?icanon/, 'exit code 7');
      assert.match(end, /tssub: connection to .* lost/);
      assert.match(end, /stty: icanon/);
      assert.equal(pane.show('#{alternate_on}'), '0');
    });
    await withExplorer([], async (broker, _pane, open) => {
      const pane = open();
      await pane.waitFor('● connected');
      await broker.halt();
      await pane.waitFor('reconnecting', 'the reconnecting state');
      await broker.resume();
      await pane.waitFor(/connected( \(1 reconnect\)|.*↻1)/, 'the reconnect', 30_000);
      pane.keys('C-c');
      await pane.waitFor('exit=0');
    });
  });

  test('Ctrl-C quits; ? shows every key', async () => {
    await withExplorer([], async (_broker, _pane, open) => {
      const pane = open();
      await pane.waitFor('● connected');
      pane.keys('?');
      await pane.waitFor('clear the retained message of the selected topic');
      pane.keys('Escape');
      await pane.waitFor('waiting for messages on #');
      pane.keys('C-c');
      const end = await pane.waitFor(/exit=0\s+stty: -?icanon/);
      assert.match(end, /stty: icanon/);
    });
  });
});

describe('tssub --explore without a terminal', () => {
  test('is a usage error (exit 1), before connecting', async () => {
    const result = await run('tssub', ['--explore', '-p', '1']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--explore is interactive: it needs a terminal on standard input and standard output/);
  });
});
